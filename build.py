#!/usr/bin/env python3
"""Build the Hand in Health website. Run `python build.py --help` for the commands."""
import os
import signal
import sys

try:
    from sitegen.cli import main
except KeyboardInterrupt:  # Ctrl-C while starting up: nothing was touched yet
    sys.exit(130)

if __name__ == "__main__":
    try:
        code = main()
        # The work is done and its exit code known: a late Ctrl-C or kill changes nothing.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    except KeyboardInterrupt:  # arrived between main()'s own handling and the lines above
        code = 130
    # Every file is written and closed, every worker gone: freeing a large site's objects one by
    # one, as a normal exit does, would only add a tenth of a second or more.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said on it
            pass
    os._exit(0 if code is None else code)
