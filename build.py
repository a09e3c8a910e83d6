#!/usr/bin/env python3
"""Build the Hand in Health website. Run `python build.py --help` for the commands."""
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
    sys.exit(code)
