import java.io.*;
import java.util.*;


class WebConfig {
    @org.springframework.web.bind.annotation.CrossOrigin(origins = "*", allowCredentials = "true") // expect: java.cors-wildcard-credentials
    void open() {}

    @org.springframework.web.bind.annotation.CrossOrigin(origins = "https://app.example.com", allowCredentials = "true") // ok: java.cors-wildcard-credentials
    void closed() {}

    Object corsConfiguration() {
        var config = new org.springframework.web.cors.CorsConfiguration();
        config.addAllowedOrigin("*");
        config.setAllowCredentials(true); // expect: java.cors-wildcard-credentials
        return config;
    }
}
