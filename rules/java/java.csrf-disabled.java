import java.io.*;
import java.util.*;


class SecurityConfig {
    Object chain(org.springframework.security.config.annotation.web.builders.HttpSecurity http) throws Exception {
        http.csrf().disable(); // expect: java.csrf-disabled
        http.csrf(csrf -> csrf.disable()); // expect: java.csrf-disabled
        http.csrf(csrf -> csrf.ignoringRequestMatchers("/webhooks/**")); // ok: java.csrf-disabled
        return http.build();
    }
}
