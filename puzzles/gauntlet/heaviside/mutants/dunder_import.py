def heaviside(a, b):
    return __import__("torch").heaviside(a, b)
