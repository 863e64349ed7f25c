import subprocess


def convert(request):
    src = request.args["src"]
    subprocess.run(f"convert {src} out.png", shell=True)  # expect: py.subprocess-shell-true
    subprocess.check_output("gzip " + src, shell=True)  # expect: py.subprocess-shell-true
    subprocess.Popen(cmd, shell=True, stdout=subprocess.PIPE)  # expect: py.subprocess-shell-true
    subprocess.run(["convert", src, "out.png"], check=True)  # ok: py.subprocess-shell-true
    subprocess.run("ls -la /var/log", shell=True)  # ok: py.subprocess-shell-true
    subprocess.run(cmd, shell=False)  # ok: py.subprocess-shell-true
