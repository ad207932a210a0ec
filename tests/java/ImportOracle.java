// ImportOracle — what a JVM says about a keystore `ksdoctor import` wrote: the helpers of
// ImportScenarios (the end-to-end driver of tests/import).
//
//  * snapshot(store) before the import: every entry as Java loads it (alias, kind, certificate DER,
//    creation date, for key entries the key recovered with the store password);
//  * check(...) after it: KeyStore.getInstance(type).load(store password); getCertificateChain(alias)
//    equals the expected completed chain; every other entry as in the snapshot; and a real JSSE
//    handshake on 127.0.0.1 — the server's KeyManagerFactory.getDefaultAlgorithm() (SunX509 in JDK
//    17) over the written store, a client trusting only the expected root — presents the new chain;
//  * serverAlias(...): which alias SunX509 and PKIX would present for a key type;
//  * a minimal JSON reader for ksdoctor's --format json output, PEM/DER writers and an X.509 builder
//    (JDK-internal sun.security.x509, so the test controls every field).
//
// Compiled with --add-exports java.base/sun.security.x509=ALL-UNNAMED and sun.security.util.

import java.io.*;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.security.*;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.*;
import java.util.concurrent.*;
import javax.net.ssl.*;

import sun.security.util.ObjectIdentifier;
import sun.security.x509.*;

public final class ImportOracle {
    private ImportOracle() {}

    static final CertificateFactory CF;
    static {
        try { CF = CertificateFactory.getInstance("X.509"); }
        catch (Exception e) { throw new ExceptionInInitializerError(e); }
    }

    // ---- failures -------------------------------------------------------------------------------
    /** A check that did not hold; the driver reports it with the scenario's reproduction. */
    static final class Failure extends Exception {
        Failure(String m) { super(m); }
    }
    static void expect(boolean ok, String what) throws Failure { if (!ok) throw new Failure(what); }

    // ---- certificates ---------------------------------------------------------------------------
    static Date utc(int year) {
        Calendar c = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
        c.clear(); c.set(year, Calendar.JANUARY, 1, 0, 0, 0);
        return c.getTime();
    }
    static final Date NORMAL_FROM = utc(2020), NORMAL_TO = utc(2070);
    static final Date EXPIRED_FROM = utc(2000), EXPIRED_TO = utc(2001);

    static final class Cert {
        final String dn; final KeyPair key; final X509Certificate x509; final Cert issuer;
        Cert(String dn, KeyPair key, X509Certificate x509, Cert issuer) {
            this.dn = dn; this.key = key; this.x509 = x509; this.issuer = issuer;
        }
        byte[] der() { try { return x509.getEncoded(); } catch (Exception e) { throw new RuntimeException(e); } }
        String sha() { return sha256(der()); }
        boolean rsa() { return key.getPublic().getAlgorithm().equals("RSA"); }
    }

    static long serial = 0x4d50_0000L;

    /** A CA (ca=true) or TLS server certificate (ca=false, with the SANs) for `key`, signed by issuer (null: self). */
    static Cert build(String dn, KeyPair key, Cert issuer, boolean ca, List<String> sans, Date from, Date to)
            throws Exception {
        KeyPair signer = issuer == null ? key : issuer.key;
        String sigAlg = signer.getPublic().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        X509CertInfo info = new X509CertInfo();
        info.set(X509CertInfo.VERSION, new CertificateVersion(CertificateVersion.V3));
        info.set(X509CertInfo.SERIAL_NUMBER, new CertificateSerialNumber(BigInteger.valueOf(++serial)));
        info.set(X509CertInfo.ALGORITHM_ID, new CertificateAlgorithmId(AlgorithmId.get(sigAlg)));
        X500Name subject = new X500Name(dn);
        info.set(X509CertInfo.SUBJECT, subject);
        info.set(X509CertInfo.ISSUER, issuer == null ? subject
                : X500Name.asX500Name(issuer.x509.getSubjectX500Principal()));
        info.set(X509CertInfo.KEY, new CertificateX509Key(key.getPublic()));
        info.set(X509CertInfo.VALIDITY, new CertificateValidity(from, to));
        CertificateExtensions exts = new CertificateExtensions();
        exts.set(BasicConstraintsExtension.NAME, new BasicConstraintsExtension(true, ca, -1));
        boolean[] ku = new boolean[9];
        if (ca) { ku[5] = true; ku[6] = true; }
        else { ku[0] = true; ku[2] = key.getPublic().getAlgorithm().equals("RSA"); }
        exts.set(KeyUsageExtension.NAME, new KeyUsageExtension(ku));
        exts.set(SubjectKeyIdentifierExtension.NAME,
                new SubjectKeyIdentifierExtension(new KeyIdentifier(key.getPublic()).getIdentifier()));
        if (issuer != null)
            exts.set(AuthorityKeyIdentifierExtension.NAME, new AuthorityKeyIdentifierExtension(
                    new KeyIdentifier(issuer.key.getPublic()), null, null));
        if (!ca) {
            Vector<ObjectIdentifier> eku = new Vector<>();
            eku.add(ObjectIdentifier.of("1.3.6.1.5.5.7.3.1"));
            exts.set(ExtendedKeyUsageExtension.NAME, new ExtendedKeyUsageExtension(eku));
            if (sans != null && !sans.isEmpty()) {
                GeneralNames names = new GeneralNames();
                for (String s : sans) names.add(new GeneralName(new DNSName(s)));
                exts.set(SubjectAlternativeNameExtension.NAME, new SubjectAlternativeNameExtension(names));
            }
        }
        info.set(X509CertInfo.EXTENSIONS, exts);
        X509CertImpl impl = new X509CertImpl(info);
        impl.sign(signer.getPrivate(), sigAlg);
        X509Certificate parsed = (X509Certificate) CF.generateCertificate(new ByteArrayInputStream(impl.getEncoded()));
        return new Cert(dn, key, parsed, issuer);
    }

    // ---- encodings ------------------------------------------------------------------------------
    static String pem(String label, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + b64 + "\n-----END " + label + "-----\n";
    }
    static String pemCerts(List<Cert> certs) {
        StringBuilder sb = new StringBuilder();
        for (Cert c : certs) sb.append(pem("CERTIFICATE", c.der()));
        return sb.toString();
    }
    static void write(Path p, String text) throws IOException {
        Files.write(p, text.getBytes(StandardCharsets.US_ASCII));
    }

    static String sha256(byte[] data) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(data);
            StringBuilder sb = new StringBuilder();
            for (byte b : d) sb.append(String.format("%02x", b & 0xff));
            return sb.toString();
        } catch (NoSuchAlgorithmException e) { throw new RuntimeException(e); }
    }

    static List<String> shas(Certificate[] chain) throws Exception {
        List<String> l = new ArrayList<>();
        if (chain != null) for (Certificate c : chain) l.add(sha256(c.getEncoded()));
        return l;
    }
    static List<String> shas(List<Cert> chain) {
        List<String> l = new ArrayList<>();
        for (Cert c : chain) l.add(c.sha());
        return l;
    }

    /** chain[i] is issued and signed by chain[i+1]; the last one is self-signed. */
    static boolean verifiesToRoot(Certificate[] chain) {
        if (chain == null || chain.length == 0) return false;
        try {
            for (int i = 0; i < chain.length; i++) {
                X509Certificate c = (X509Certificate) chain[i];
                X509Certificate up = (X509Certificate) (i + 1 < chain.length ? chain[i + 1] : chain[i]);
                if (!c.getIssuerX500Principal().equals(up.getSubjectX500Principal())) return false;
                c.verify(up.getPublicKey());
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    // ---- keystores ------------------------------------------------------------------------------
    static KeyStore load(Path file, String type, char[] pass) throws Exception {
        KeyStore ks = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(file)) { ks.load(in, pass); }
        return ks;
    }

    /** One entry as Java sees it. */
    static final class EntrySnap {
        String kind; List<String> chain = new ArrayList<>(); long created; String key;
        @Override public String toString() {
            return kind + " created=" + created + " chain=" + chain + (key == null ? "" : " key=" + key.substring(0, 16));
        }
        @Override public boolean equals(Object o) {
            if (!(o instanceof EntrySnap)) return false;
            EntrySnap e = (EntrySnap) o;
            return kind.equals(e.kind) && chain.equals(e.chain) && created == e.created && Objects.equals(key, e.key);
        }
        @Override public int hashCode() { return kind.hashCode(); }
    }

    /** Every entry of ks; a key entry's key recovered with `pass`. */
    static Map<String, EntrySnap> snapshot(KeyStore ks, char[] pass) throws Exception {
        Map<String, EntrySnap> m = new TreeMap<>();
        for (String a : Collections.list(ks.aliases())) {
            EntrySnap e = new EntrySnap();
            Date d = ks.getCreationDate(a);
            e.created = d == null ? -1 : d.getTime();
            if (ks.isKeyEntry(a)) {
                e.kind = "key";
                e.chain = shas(ks.getCertificateChain(a));
                Key k = ks.getKey(a, pass);
                e.key = k == null ? "null" : sha256(k.getEncoded());
            } else {
                e.kind = "trusted";
                // Java's PKCS#12 keeps no date for a certificate entry: load() dates it "now"
                if (ks.getType().equalsIgnoreCase("PKCS12")) e.created = -2;
                e.chain = Collections.singletonList(sha256(ks.getCertificate(a).getEncoded()));
            }
            m.put(a, e);
        }
        return m;
    }

    /**
     * The written store against the expectation: alias set, the new entry's chain (and key when
     * given), every other entry unchanged.
     */
    static KeyStore checkStore(Path file, String type, char[] pass, String alias, List<String> expectedChain,
                               PrivateKey expectedKey, Map<String, EntrySnap> before, Set<String> replaced)
            throws Exception {
        KeyStore ks;
        try { ks = load(file, type, pass); }
        catch (Exception e) { throw new Failure("Java cannot load the written " + type + " store: " + e); }
        Map<String, EntrySnap> after = snapshot(ks, pass);
        Set<String> expectedAliases = new TreeSet<>(before.keySet());
        expectedAliases.add(alias);
        expect(after.keySet().equals(expectedAliases),
                "aliases after import " + after.keySet() + ", expected " + expectedAliases);
        expect(ks.isKeyEntry(alias), "'" + alias + "' is not a key entry");
        expect(ks.entryInstanceOf(alias, KeyStore.PrivateKeyEntry.class), "'" + alias + "' is not a PrivateKeyEntry");
        List<String> got = shas(ks.getCertificateChain(alias));
        expect(got.equals(expectedChain), "getCertificateChain('" + alias + "') = " + got + ", expected " + expectedChain);
        if (expectedKey != null) {
            Key k = ks.getKey(alias, pass);
            expect(k != null && Arrays.equals(k.getEncoded(), expectedKey.getEncoded()),
                    "the key of '" + alias + "' is not the imported key");
        }
        for (Map.Entry<String, EntrySnap> e : before.entrySet()) {
            if (e.getKey().equals(alias) || replaced.contains(e.getKey())) continue;
            EntrySnap now = after.get(e.getKey());
            expect(e.getValue().equals(now), "entry '" + e.getKey() + "' changed: before " + e.getValue() + ", after " + now);
        }
        return ks;
    }

    // ---- key managers and the handshake -----------------------------------------------------------
    /** The alias a key manager of `algorithm` (SunX509, PKIX) picks for a server of keyType. */
    static String serverAlias(KeyStore ks, char[] pass, String algorithm, String keyType) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(algorithm);
        kmf.init(ks, pass);
        for (KeyManager km : kmf.getKeyManagers())
            if (km instanceof X509KeyManager) return ((X509KeyManager) km).chooseServerAlias(keyType, null, null);
        return null;
    }

    static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "import-oracle-server"); t.setDaemon(true); return t;
    });

    /**
     * A TLS 1.2 handshake on 127.0.0.1: the server's key manager is KeyManagerFactory's default
     * algorithm over `ks`; the client trusts only `root` and offers only the suites of the key type
     * (ECDHE_RSA or ECDHE_ECDSA), so the server chooses among the entries of that key type. Returns the
     * chain the server sent (SHA-256s).
     */
    static List<String> handshake(KeyStore ks, char[] pass, X509Certificate root, boolean rsa) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pass);
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", root);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);

        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (SSLServerSocket ss = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1, lo)) {
            ss.setSoTimeout(20000);
            Future<String> srv = POOL.submit(() -> {
                try (SSLSocket s = (SSLSocket) ss.accept()) {
                    s.setSoTimeout(20000);
                    s.startHandshake();
                    int b = s.getInputStream().read();
                    return "ok " + b;
                } catch (Exception e) {
                    return "server: " + e;
                }
            });
            try (SSLSocket c = (SSLSocket) client.getSocketFactory().createSocket(lo, ss.getLocalPort())) {
                c.setSoTimeout(20000);
                c.setEnabledProtocols(new String[] {"TLSv1.2"});
                c.setEnabledCipherSuites(new String[] {rsa ? "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
                                                           : "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"});
                try {
                    c.startHandshake();
                } catch (Exception e) {
                    String s = srv.get(20, TimeUnit.SECONDS);
                    throw new Failure("TLS handshake failed: client " + e + "; " + s);
                }
                List<String> sent = shas(c.getSession().getPeerCertificates());
                c.getOutputStream().write(7);
                c.getOutputStream().flush();
                String s = srv.get(20, TimeUnit.SECONDS);
                expect(s.equals("ok 7"), "TLS server side: " + s);
                return sent;
            }
        }
    }

    // ---- JSON (just enough for ksdoctor's output) -------------------------------------------------
    static Object parseJson(String text) throws Failure {
        JsonReader r = new JsonReader(text);
        r.ws();
        Object v = r.value();
        r.ws();
        if (r.i != text.length()) throw new Failure("trailing characters after the JSON value at " + r.i);
        return v;
    }

    static final class JsonReader {
        final String s; int i;
        JsonReader(String s) { this.s = s; }
        void ws() { while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++; }
        Failure err(String m) { return new Failure("JSON: " + m + " at offset " + i); }
        Object value() throws Failure {
            if (i >= s.length()) throw err("unexpected end");
            char c = s.charAt(i);
            if (c == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                i++; ws();
                if (s.charAt(i) == '}') { i++; return m; }
                while (true) {
                    ws(); String k = string(); ws();
                    if (s.charAt(i++) != ':') throw err("expected ':'");
                    ws(); m.put(k, value()); ws();
                    char d = s.charAt(i++);
                    if (d == '}') return m;
                    if (d != ',') throw err("expected ',' or '}'");
                }
            }
            if (c == '[') {
                List<Object> l = new ArrayList<>();
                i++; ws();
                if (s.charAt(i) == ']') { i++; return l; }
                while (true) {
                    ws(); l.add(value()); ws();
                    char d = s.charAt(i++);
                    if (d == ']') return l;
                    if (d != ',') throw err("expected ',' or ']'");
                }
            }
            if (c == '"') return string();
            if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
            if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
            if (s.startsWith("null", i)) { i += 4; return null; }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
            if (start == i) throw err("unexpected character '" + c + "'");
            return Double.parseDouble(s.substring(start, i));
        }
        String string() throws Failure {
            if (s.charAt(i) != '"') throw err("expected a string");
            i++;
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (i >= s.length()) throw err("unterminated string");
                char c = s.charAt(i++);
                if (c == '"') return sb.toString();
                if (c != '\\') { sb.append(c); continue; }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n': sb.append('\n'); break;
                    case 't': sb.append('\t'); break;
                    case 'r': sb.append('\r'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'u': sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; break;
                    default: sb.append(e);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> obj(Object o, String what) throws Failure {
        if (!(o instanceof Map)) throw new Failure(what + " is not a JSON object: " + o);
        return (Map<String, Object>) o;
    }
    @SuppressWarnings("unchecked")
    static List<Object> arr(Object o, String what) throws Failure {
        if (!(o instanceof List)) throw new Failure(what + " is not a JSON array: " + o);
        return (List<Object>) o;
    }
}
