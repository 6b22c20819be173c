# Hammer's Qualifying Exam. `arange`, `where` and your answers to the earlier
# questions are handed to you by the exam: there is nothing to import.


def ones(i: int):
    # an int64 (i,) tensor of ones; one `return` line, under 80 columns
    return arange(i)
