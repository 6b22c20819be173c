# Hammer's Qualifying Exam. `arange`, `where` and your answers to the earlier
# questions are handed to you by the exam: there is nothing to import.


def sum(a):
    # a: int64 (i,). Return an int64 (1,) tensor holding the sum of a
    return a
