import java.io.*;
import java.util.*;


class SessionStore {
    Object load(InputStream body) throws Exception {
        ObjectInputStream in = new ObjectInputStream(body); // expect: java.unsafe-deserialization
        Object fromXml = new java.beans.XMLDecoder(body).readObject(); // expect: java.unsafe-deserialization
        ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream()); // ok: java.unsafe-deserialization
        return List.of(in.readObject(), fromXml, out);
    }
}
