import base64
import pickle
import socket

import dill
import yaml
from fastapi import FastAPI
from flask import Flask, request

app = Flask(__name__)
api = FastAPI()
DEFAULT_STATE = pickle.dumps({"items": []})


# Pair 1: a cookie, base64-decoded and unpickled; the safe twin overwrites it with a constant.
@app.route("/cart")
def cart():
    raw = base64.b64decode(request.cookies.get("cart", ""))
    return pickle.loads(raw)  # expect: py.unsafe-deserialization


@app.route("/cart-fixed")
def cart_fixed():
    raw = base64.b64decode(request.cookies.get("cart", ""))
    raw = DEFAULT_STATE
    return pickle.loads(raw)  # ok: py.unsafe-deserialization


# Pair 2: Django upload through a dict; the safe twin reads the slot holding a constant.
def import_model(request):
    blobs = {"uploaded": request.FILES["model"].read(), "empty": b"N."}
    return dill.loads(blobs["uploaded"])  # expect: py.unsafe-deserialization


def import_model_fixed(request):
    blobs = {"uploaded": request.FILES["model"].read(), "empty": b"N."}
    return dill.loads(blobs["empty"])  # ok: py.unsafe-deserialization


# Pair 3: YAML with the full loader through a helper of the same file.
def body_text(data):
    return data.decode("utf-8")


def default_text(data):
    return "{}"


@app.route("/config", methods=["POST"])
def upload_config():
    return yaml.load(body_text(request.data), Loader=yaml.Loader)  # expect: py.unsafe-deserialization


@app.route("/config-fixed", methods=["POST"])
def upload_config_fixed():
    return yaml.load(default_text(request.data), Loader=yaml.Loader)  # ok: py.unsafe-deserialization


# Pair 4: bytes from a socket through a list; the safe twin reads the item it pickled itself.
def receive_job(conn: socket.socket):
    queue = [conn.recv(65536), pickle.dumps("noop")]
    return pickle.loads(queue[0])  # expect: py.unsafe-deserialization


def receive_job_fixed(conn: socket.socket):
    queue = [conn.recv(65536), pickle.dumps("noop")]
    return pickle.loads(queue[1])  # ok: py.unsafe-deserialization


# Pair 5: FastAPI parameter across a branch whose condition is a constant expression.
@api.post("/restore")
def restore(state: str):
    version = 2
    blob = state.encode() if version + 1 == 3 else DEFAULT_STATE
    return pickle.loads(blob)  # expect: py.unsafe-deserialization


@api.post("/restore-fixed")
def restore_fixed(state: str):
    version = 2
    blob = state.encode() if version + 1 == 4 else DEFAULT_STATE
    return pickle.loads(blob)  # ok: py.unsafe-deserialization
