import os
import shlex


def archive(request, user_dir):
    name = request.args.get("name")
    os.system("tar czf /tmp/" + name + ".tgz " + user_dir)  # expect: py.os-system-injection
    os.system(f"ls -la {user_dir}")  # expect: py.os-system-injection
    out = os.popen("grep %s /var/log/app.log" % name).read()  # expect: py.os-system-injection
    os.system(shlex.quote(name))  # expect: py.os-system-injection
    os.system("uptime")  # ok: py.os-system-injection
    os.system("df " "-h")  # ok: py.os-system-injection
    return out
