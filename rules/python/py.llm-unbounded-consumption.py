from fastapi import FastAPI
from flask import Flask, request
from openai import OpenAI

app = Flask(__name__)
api = FastAPI()
client = OpenAI()
LIMIT = 1024


@app.post("/draft")
def draft():
    length = int(request.json.get("max_tokens", 256))
    return client.chat.completions.create(model="gpt-4o", messages=[], max_tokens=length)  # expect: py.llm-unbounded-consumption


@app.post("/draft-clamped")
def draft_clamped():
    length = min(int(request.json.get("max_tokens", 256)), LIMIT)
    return client.chat.completions.create(model="gpt-4o", messages=[], max_tokens=length)  # ok: py.llm-unbounded-consumption


@api.get("/variants")
def variants(count: int, topic: str):
    return client.chat.completions.create(model="gpt-4o", messages=[], n=count)  # expect: py.llm-unbounded-consumption


@api.get("/variants-fixed")
def variants_fixed(count: int, topic: str):
    count = 3
    return client.chat.completions.create(model="gpt-4o", messages=[], n=count)  # ok: py.llm-unbounded-consumption


@app.get("/long")
def long_answer():
    options = {"budget": request.args.get("budget"), "default": 512}
    return client.responses.create(model="gpt-4o", input="hi", max_output_tokens=options["budget"])  # expect: py.llm-unbounded-consumption


@app.get("/long-fixed")
def long_answer_fixed():
    options = {"budget": request.args.get("budget"), "default": 512}
    return client.responses.create(model="gpt-4o", input="hi", max_output_tokens=options["default"])  # ok: py.llm-unbounded-consumption
