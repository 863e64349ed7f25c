import json
import pickle

import dill


def load_session(raw):
    session = pickle.loads(raw)  # expect: py.unsafe-deserialization
    with open("model.pkl", "rb") as handle:
        model = dill.load(handle)  # expect: py.unsafe-deserialization
    data = json.loads(raw)  # ok: py.unsafe-deserialization
    blob = pickle.dumps(data)  # ok: py.unsafe-deserialization
    copy = pickle.loads(pickle.dumps(data))  # ok: py.unsafe-deserialization
    loaded = pickle.loads(pickle.dumps(data) + raw)  # expect: py.unsafe-deserialization
    return session, model, blob
