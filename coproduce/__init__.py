"""coproduce: the software of a co-operative council.

This package imports nothing from Django so that the pure libraries
(`coproduce.pb`, `coproduce.sortition`) can be used on their own.
"""

__version__ = "0.1.0"
