"""Errors shared by the build and its diff gate.

They live apart from etl/pipeline.py so that etl/diff.py (whose ReleaseBlocked is a BuildError)
can import them without importing the pipeline that imports it.
"""
from __future__ import annotations


class BuildError(Exception):
    """The build stopped; the previous release is untouched."""
