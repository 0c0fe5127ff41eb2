from bnport.cli import main

main()
