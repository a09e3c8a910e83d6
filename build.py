#!/usr/bin/env python3
"""Build the Hand in Health website. Run `python build.py --help` for the commands."""
import sys

try:
    from sitegen.cli import main
except KeyboardInterrupt:  # Ctrl-C while starting up: nothing was touched yet
    sys.exit(130)

if __name__ == "__main__":
    sys.exit(main())
