# Hammer's Qualifying Exam. `arange`, `where` and your answers to the earlier
# questions are handed to you by the exam: there is nothing to import.


def eye(j: int):
    # return the int64 (j, j) identity matrix
    return outer(ones(j), ones(j))
