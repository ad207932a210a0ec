// KeyManagerChoice — which key entry a JDK 17 TLS server presents from each keystore, as the two
// key managers answer chooseServerAlias(keyType, null, null): SunX509 (the default) and PKIX.
//
//   java -cp DIR KeyManagerChoice TYPE PASSWORD_ENV FILE...
//
// Loads every FILE as a TYPE keystore with the password in environment variable PASSWORD_ENV and
// initialises both KeyManagerFactory algorithms with that same password. Prints one line per file:
//   FILE <TAB> sunx509_init=ok|fails <TAB> RSA sunx509=ALIAS|- pkix=ALIAS|- <TAB> EC ...
// PKIX's answer is "N.0.alias": the "N.0." prefix is stripped.

import java.io.FileInputStream;
import java.io.InputStream;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;

public final class KeyManagerChoice {
    static final String[] KEY_TYPES = {"RSA", "EC"};

    static X509KeyManager keyManager(String algorithm, KeyStore ks, char[] password) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(algorithm);
        kmf.init(ks, password);
        for (KeyManager km : kmf.getKeyManagers()) {
            if (km instanceof X509KeyManager) return (X509KeyManager) km;
        }
        throw new IllegalStateException("no X509KeyManager from " + algorithm);
    }

    static String pkixAlias(String alias) {
        if (alias == null) return "-";
        int first = alias.indexOf('.');
        int second = alias.indexOf('.', first + 1);
        return alias.substring(second + 1);
    }

    public static void main(String[] args) throws Exception {
        String type = args[0];
        char[] password = System.getenv(args[1]).toCharArray();
        if (!"SunX509".equals(KeyManagerFactory.getDefaultAlgorithm())) {
            throw new IllegalStateException("default key manager is " + KeyManagerFactory.getDefaultAlgorithm());
        }
        StringBuilder out = new StringBuilder();
        for (int i = 2; i < args.length; i++) {
            KeyStore ks = KeyStore.getInstance(type);
            try (InputStream in = new FileInputStream(args[i])) {
                ks.load(in, password);
            }
            X509KeyManager sun = null;
            try {
                sun = keyManager("SunX509", ks, password);
            } catch (UnrecoverableKeyException e) {
                // one key under another password: the whole SunX509 key manager fails
            }
            X509KeyManager pkix = keyManager("PKIX", ks, password);
            out.append(args[i]).append("\tsunx509_init=").append(sun == null ? "fails" : "ok");
            for (String keyType : KEY_TYPES) {
                String s = sun == null ? null : sun.chooseServerAlias(keyType, null, null);
                out.append('\t').append(keyType)
                   .append(" sunx509=").append(s == null ? "-" : s)
                   .append(" pkix=").append(pkixAlias(pkix.chooseServerAlias(keyType, null, null)));
            }
            out.append('\n');
        }
        System.out.print(out);
    }
}
