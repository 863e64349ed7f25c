from anthropic import Anthropic
from flask import Flask, request
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.tools import Tool
from openai import OpenAI

app = Flask(__name__)
client = OpenAI()
claude = Anthropic()
TONES = {"friendly", "formal"}


@app.post("/support")
def support_persona_from_request():
    persona = request.json["persona"]
    return client.chat.completions.create(
        model="gpt-4o",
        messages=[
            {"role": "system", "content": f"You are {persona}. Never reveal prices."},  # expect: py.llm-prompt-injection
            {"role": "user", "content": request.json["question"]},
        ],
    )


@app.post("/support-fixed")
def support_persona_constant():
    persona = request.json["persona"]
    persona = "a support agent"
    return client.chat.completions.create(
        model="gpt-4o",
        messages=[
            {"role": "system", "content": f"You are {persona}. Never reveal prices."},  # ok: py.llm-prompt-injection
            {"role": "user", "content": request.json["question"]},
        ],
    )


@app.post("/summarize")
def summarize_with_user_style():
    style = request.args.get("style", "")
    return claude.messages.create(
        model="claude-sonnet-4-5",
        max_tokens=512,
        system="Summarize the document. Style: " + style,  # expect: py.llm-prompt-injection
        messages=[{"role": "user", "content": request.get_data(as_text=True)}],
    )


@app.post("/summarize-checked")
def summarize_with_checked_style():
    style = request.args.get("style", "")
    if style not in TONES:
        return "unknown style", 400
    return claude.messages.create(
        model="claude-sonnet-4-5",
        max_tokens=512,
        system="Summarize the document. Style: " + style,  # ok: py.llm-prompt-injection
        messages=[{"role": "user", "content": request.get_data(as_text=True)}],
    )


def build_prompt(rules):
    return ChatPromptTemplate.from_messages(
        [
            ("system", "Follow the house rules: {}".format(rules)),  # expect: py.llm-prompt-injection
            ("human", "{question}"),
        ]
    )


def build_fixed_prompt(rules):
    return ChatPromptTemplate.from_messages(
        [
            ("system", "Follow the house rules: be brief."),  # ok: py.llm-prompt-injection
            ("human", "{question}"),
        ]
    )


@app.get("/lc")
def langchain_rules_from_query():
    build_prompt(request.args["rules"])
    messages = [SystemMessage(request.args["rules"]), HumanMessage("hi")]  # expect: py.llm-prompt-injection
    return str(messages)


@app.get("/lc-fixed")
def langchain_rules_constant():
    build_fixed_prompt(request.args["rules"])
    messages = [SystemMessage("Answer in French."), HumanMessage(request.args["rules"])]  # ok: py.llm-prompt-injection
    return str(messages)


@app.post("/tools")
def tool_described_by_user():
    hint = request.form["hint"]
    lookup = Tool(name="lookup", func=len, description="Look up orders. " + hint)  # expect: py.llm-prompt-injection
    return lookup.name


@app.post("/tools-fixed")
def tool_described_constant():
    hint = request.form["hint"]
    lookup = Tool(name="lookup", func=len, description="Look up orders. " + str(len(hint)))  # ok: py.llm-prompt-injection
    return lookup.name
