"""Calls train_triage and hands its state_dict back as a plain dict (model.state_dict() is an
OrderedDict, which the result channel does not carry)."""

from collections import OrderedDict


def run(entry, x_train, y_train, x_test, seed):
    result = entry(x_train, y_train, x_test, seed)
    if not (isinstance(result, tuple) and len(result) == 2):
        raise TypeError("train_triage must return a tuple: (model.state_dict(), labels)")
    state, labels = result
    if isinstance(state, OrderedDict):
        state = {str(k): v.detach() for k, v in state.items()}
    return state, labels
