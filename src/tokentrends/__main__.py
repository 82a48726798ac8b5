from tokentrends.cli import main

raise SystemExit(main())
