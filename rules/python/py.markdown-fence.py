import os

```python  # expect: py.markdown-fence
def home():
    """Shows Markdown: ```python fences``` inside a docstring are text."""  # ok: py.markdown-fence
    return os.environ.get("HOME")
```  # expect: py.markdown-fence
