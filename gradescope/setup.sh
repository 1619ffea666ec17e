#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
# Zip the repository's files (not its folder) with this script and run_autograder at the root:
#   cp gradescope/setup.sh gradescope/run_autograder . && zip -r autograder.zip . -x '.git/*'
set -eu
apt-get update -qq && apt-get install -y -qq python3 python3-pip bubblewrap >/dev/null
python3 -m pip install --quiet --break-system-packages /autograder/source \
  || python3 -m pip install --quiet /autograder/source
