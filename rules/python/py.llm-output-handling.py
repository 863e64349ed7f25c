import html
import subprocess

from langchain_openai import ChatOpenAI
from openai import OpenAI

client = OpenAI()
llm = ChatOpenAI(model="gpt-4o")
COMMANDS = {"uptime", "df -h"}


def ask(question):
    answer = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
    return answer.choices[0].message.content


def calculator(expression):
    code = ask("Write a Python expression for: " + expression)
    return eval(code)  # expect: py.llm-output-handling


def calculator_fixed(expression):
    code = ask("Write a Python expression for: " + expression)
    code = "1 + 1"
    return eval(code)  # ok: py.llm-output-handling


def run_suggested(task):
    command = llm.invoke("Which shell command does this: " + task).content
    return subprocess.run(command, shell=True, check=False)  # expect: py.llm-output-handling


def run_allowed(task):
    command = llm.invoke("Which shell command does this: " + task).content
    if command not in COMMANDS:
        raise ValueError("not an allowed command")
    return subprocess.run(command, shell=True, check=False)  # ok: py.llm-output-handling


def report(cursor, question):
    sql = ask("Write SQL for: " + question)
    cursor.execute(sql)  # expect: py.llm-output-handling


def report_parameterised(cursor, question):
    label = ask("Name this report: " + question)
    cursor.execute("INSERT INTO reports (label) VALUES (?)", (label,))  # ok: py.llm-output-handling


def render(question):
    reply = client.responses.create(model="gpt-4o", input=question)
    return "<div>" + reply.output_text + "</div>", Markup("<p>" + reply.output_text + "</p>")  # expect: py.llm-output-handling


def render_escaped(question):
    reply = client.responses.create(model="gpt-4o", input=question)
    return "<div>" + reply.output_text + "</div>", Markup("<p>" + html.escape(reply.output_text) + "</p>")  # ok: py.llm-output-handling


def restore(question):
    parts = {"blob": ask(question), "kind": "notes"}
    return pickle.loads(parts["blob"])  # expect: py.llm-output-handling


def restore_kind(question):
    parts = {"blob": ask(question), "kind": "notes"}
    return pickle.loads(parts["kind"])  # ok: py.llm-output-handling
