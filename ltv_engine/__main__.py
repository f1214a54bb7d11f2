"""`python -m ltv_engine`: the ltv command line."""

from ltv_engine.cli import main

raise SystemExit(main())
