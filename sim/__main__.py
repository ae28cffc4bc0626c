"""`python -m sim` is the `orgsim` command."""

from sim.cli import main

main(prog_name="orgsim")
