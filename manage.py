#!/usr/bin/env python
from shanhai.cli import main

if __name__ == "__main__":
    main()
