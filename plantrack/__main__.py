from plantrack.cli import main

raise SystemExit(main())
