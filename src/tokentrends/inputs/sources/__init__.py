"""One module per input format; each returns validated tidy frames or raises InputError."""
