"""`python -m datos_cali …` is the same as `datos-cali …`."""

from datos_cali.cli import main

main()
