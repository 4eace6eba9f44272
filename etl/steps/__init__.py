"""The build steps, in the order they run. Each module declares INPUTS and OUTPUTS at the top
and has one `run(ctx)` that returns its outputs by name."""
STEP_MODULES = [
    "etl.steps.clean_unhcr",
    "etl.steps.clean_eurostat",
    "etl.steps.clean_udsc",
    "etl.steps.clean_curated",
    "etl.steps.clean_worldbank",
    "etl.steps.pub_facts",
    "etl.steps.pub_estimates",
    "etl.steps.pub_series_unhcr",
    "etl.steps.pub_series_eurostat",
    "etl.steps.pub_series_udsc",
    "etl.steps.pub_series_curated",
    "etl.steps.pub_series",
    "etl.steps.pub_reference",
    "etl.steps.pub_population",
    "etl.steps.pub_boundaries",
    "etl.steps.pub_boundaries_poland",
    "etl.steps.pub_claim_checks",
]
