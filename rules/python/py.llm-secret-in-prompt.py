import os

from anthropic import Anthropic
from django.conf import settings
from langchain_core.messages import HumanMessage, SystemMessage
from openai import OpenAI

client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])  # ok: py.llm-secret-in-prompt
claude = Anthropic(api_key=os.getenv("ANTHROPIC_API_KEY"))  # ok: py.llm-secret-in-prompt


def debug_connection(question):
    token = os.environ["GITHUB_TOKEN"]
    return client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "system", "content": f"Use token {token} to call the API."}],  # expect: py.llm-secret-in-prompt
    )


def debug_connection_fixed(question):
    token = os.environ["GITHUB_TOKEN"]
    token = "<configured in the tool>"
    return client.chat.completions.create(
        model="gpt-4o",
        messages=[{"role": "system", "content": f"Use token {token} to call the API."}],  # ok: py.llm-secret-in-prompt
    )


def support(question):
    password = os.getenv("DB_PASSWORD", "")
    return claude.messages.create(
        model="claude-sonnet-4-5",
        max_tokens=256,
        system="The database password is " + password,  # expect: py.llm-secret-in-prompt
        messages=[{"role": "user", "content": question}],
    )


def support_fixed(question):
    password = os.getenv("DB_PASSWORD", "")
    return claude.messages.create(
        model="claude-sonnet-4-5",
        max_tokens=256,
        system="The database password is set: " + str(bool(password)),  # ok: py.llm-secret-in-prompt
        messages=[{"role": "user", "content": question}],
    )


def lc_prompt(llm):
    return llm.invoke([SystemMessage("Sign requests with " + settings.SIGNING_SECRET)])  # expect: py.llm-secret-in-prompt


def lc_prompt_fixed(llm):
    return llm.invoke([SystemMessage("Sign requests with the signing tool."), HumanMessage(settings.SITE_NAME)])  # ok: py.llm-secret-in-prompt


def responses_input(question):
    values = {"key": os.environ.get("STRIPE_SECRET_KEY"), "name": "shop"}
    return client.responses.create(model="gpt-4o", input="Shop " + values["key"])  # expect: py.llm-secret-in-prompt


def responses_input_fixed(question):
    values = {"key": os.environ.get("STRIPE_SECRET_KEY"), "name": "shop"}
    return client.responses.create(model="gpt-4o", input="Shop " + values["name"])  # ok: py.llm-secret-in-prompt


def helper_prompt(text):
    return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": text}])  # expect: py.llm-secret-in-prompt


def leaks_through_helper():
    return helper_prompt("my key is " + os.environ["OPENAI_API_KEY"])


def passes_no_secret_to_helper():
    return helper_prompt("my key is configured")
