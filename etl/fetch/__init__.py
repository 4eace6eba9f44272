"""Live refresh: fetch UNHCR and Eurostat answers, check them, and keep their exact bytes.

http.py sends the requests (retry policy, timeouts, errors), unhcr.py and eurostat.py know what
to ask each API and what a good answer looks like, snapshot.py writes a checked answer into
data/raw as a new dated snapshot. Nothing here runs during an offline build.
"""
