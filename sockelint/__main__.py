from sockelint.cli import main

raise SystemExit(main())
