# Hammer's Qualifying Exam. `arange`, `where` and your answers to the earlier
# questions are handed to you by the exam: there is nothing to import.


def sequence_mask(values, length):
    # values: (i, j), length: int64 (i,). Keep values[r, c] where c < length[r]
    return values
