from lqcalc.cli import main

main()
