class Home {
```java  // expect: java.markdown-fence
    String home() {
        String help = "Use ```java fences in the README.";  // ok: java.markdown-fence
        return System.getenv("HOME") + help;
    }
```  // expect: java.markdown-fence
}
