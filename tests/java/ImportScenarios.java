// ImportScenarios — the end-to-end test of `ksdoctor import`, with one long-lived JVM as the oracle.
//
//   java --add-exports java.base/sun.security.x509=ALL-UNNAMED \
//        --add-exports java.base/sun.security.util=ALL-UNNAMED -cp CLASSES ImportScenarios \
//        MODE WORK_DIR KSDOCTOR OPENSSL KEYTOOL [SEED COUNT]
//
// MODE
//   scenarios   COUNT randomized scenarios from java.util.Random(SEED): RSA and EC leaves; every
//               SOURCE form (--pkcs12 made by openssl, openssl -legacy and keytool; --key/--cert with
//               PKCS#8, encrypted PKCS#8, PKCS#1, SEC1; --cert-reply as PEM, several PEM, DER, PKCS#7
//               DER and PEM); complete, root-less, leaf-only, reversed chains and chains with unrelated
//               certificates; 1-3 intermediates, cross-signed intermediates; missing certificates from a
//               --from file, folder or keystore or from the target's trusted entries; JKS and PKCS#12
//               targets holding other entries, or no target yet; renewals that keep the old entry (new
//               alias) or replace it. Every cert reply is also installed with keytool -importcert on a
//               copy of the store and the two results compared.
//   refusals    key/certificate mismatch, reply for another key, wrong source password, missing
//               intermediate, expired leaf, existing alias without --replace, wrong store password,
//               --dry-run, and the keytool behaviours ksdoctor must not copy.
//   keymanager  the measured SunX509 case: an old expired `alpha-old` and the renewal as `zeta-new`.
//
// Each case lives in WORK_DIR/<case>/ with its inputs and `repro.sh`, the exact ksdoctor command line
// (passwords come from the environment, never argv). A failed check prints "FAIL <case>: <why>" and
// the reproduction; the exit status is the number of failed cases (0: all passed).

import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.nio.file.attribute.FileTime;
import java.security.*;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.*;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

public final class ImportScenarios {
    static final String STOREPASS = "changeit", SRCPASS = "src-Secret.9";
    static final String STOREPASS_VAR = "IMPORT_TEST_STOREPASS", SRCPASS_VAR = "IMPORT_TEST_SRCPASS";
    static final String WRONG_VAR = "IMPORT_TEST_WRONGPASS";
    static final String O = ", O=ksdoctor import test";

    static Path work;
    static String ksdoctor, openssl, keytool;
    static int failures = 0, passes = 0;

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: ImportScenarios scenarios|refusals|keymanager WORK_DIR KSDOCTOR OPENSSL KEYTOOL [SEED COUNT]");
            System.exit(2);
        }
        String mode = args[0];
        work = Paths.get(args[1]).toAbsolutePath();
        ksdoctor = args[2]; openssl = args[3]; keytool = args[4];
        deleteTree(work);
        Files.createDirectories(work);
        makePools();
        switch (mode) {
            case "scenarios": {
                long seed = args.length > 5 ? Long.parseLong(args[5]) : 20261207L;
                int count = args.length > 6 ? Integer.parseInt(args[6]) : 36;
                Random rnd = new Random(seed);
                for (int i = 0; i < count; i++) runCase(String.format("s%03d", i), name -> randomScenario(rnd, name));
                break;
            }
            case "refusals": Refusals.all(); break;
            case "keymanager": KeyManagerCase.all(); break;
            default: System.err.println("unknown mode " + mode); System.exit(2);
        }
        System.out.println(passes + " passed, " + failures + " failed");
        System.exit(Math.min(failures, 100));
    }

    interface Body { void run(String name) throws Exception; }

    static void runCase(String name, Body body) {
        long t0 = System.nanoTime();
        try {
            body.run(name);
            passes++;
            System.out.printf("ok   %s (%d ms)%n", name, (System.nanoTime() - t0) / 1_000_000);
        } catch (ImportOracle.Failure f) {
            failures++;
            System.out.println("FAIL " + name + ": " + f.getMessage());
            printRepro(name);
        } catch (Throwable t) {
            failures++;
            System.out.println("FAIL " + name + ": test error " + t);
            t.printStackTrace(System.out);
            printRepro(name);
        }
        System.out.flush();
    }

    static void printRepro(String name) {
        Path r = work.resolve(name).resolve("repro.sh");
        try {
            if (Files.exists(r)) System.out.print("     reproduce (" + r + "):\n" + indent(Files.readString(r)));
        } catch (IOException ignored) {}
    }
    static String indent(String s) {
        return Arrays.stream(s.split("\n")).map(l -> "       " + l).collect(Collectors.joining("\n")) + "\n";
    }

    // ---- keys -------------------------------------------------------------------------------------
    static final List<KeyPair> RSA = new ArrayList<>(), EC = new ArrayList<>();

    static void makePools() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        for (int i = 0; i < 16; i++) EC.add(ec.generateKeyPair());
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        for (int i = 0; i < 6; i++) RSA.add(rsa.generateKeyPair());
    }

    /** Distinct keys within one case. */
    static final class Keys {
        final Deque<KeyPair> rsa, ec;
        Keys(Random rnd) {
            List<KeyPair> r = new ArrayList<>(RSA), e = new ArrayList<>(EC);
            Collections.shuffle(r, rnd); Collections.shuffle(e, rnd);
            rsa = new ArrayDeque<>(r); ec = new ArrayDeque<>(e);
        }
        KeyPair take(boolean wantRsa) { return wantRsa ? rsa.pop() : ec.pop(); }
    }

    // ---- processes --------------------------------------------------------------------------------
    static final class Result {
        int exit; String out, err;
        List<String> errLines() {
            return Arrays.stream(err.split("\n")).filter(l -> !l.isEmpty()).collect(Collectors.toList());
        }
    }

    static Result run(Path dir, List<String> argv, Map<String, String> env, String stdin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.directory(dir.toFile());
        pb.environment().remove("KSDOCTOR_STOREPASS");
        pb.environment().putAll(env);
        Path out = Files.createTempFile(dir, ".out", ".txt"), err = Files.createTempFile(dir, ".err", ".txt");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        if (stdin == null) pb.redirectInput(new File("/dev/null"));
        Process p = pb.start();
        if (stdin != null) {
            try (OutputStream o = p.getOutputStream()) { o.write(stdin.getBytes(StandardCharsets.UTF_8)); }
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new ImportOracle.Failure("timed out after 120 s: " + String.join(" ", argv));
        }
        Result r = new Result();
        r.exit = p.exitValue();
        r.out = Files.readString(out);
        r.err = Files.readString(err);
        Files.delete(out); Files.delete(err);
        return r;
    }

    static Map<String, String> passEnv() {
        Map<String, String> m = new HashMap<>();
        m.put(STOREPASS_VAR, STOREPASS);
        m.put(SRCPASS_VAR, SRCPASS);
        m.put(WRONG_VAR, "not-the-password");
        return m;
    }

    static void tool(Path dir, String... argv) throws Exception {
        Result r = run(dir, Arrays.asList(argv), passEnv(), null);
        if (r.exit != 0) throw new Exception(String.join(" ", argv) + " -> exit " + r.exit + ": " + r.err + r.out);
    }

    /** Runs ksdoctor import in dir, writing repro.sh first. */
    static Result ksdoctor(Path dir, List<String> args) throws Exception {
        List<String> argv = new ArrayList<>();
        argv.add(ksdoctor);
        argv.add("import");
        argv.addAll(args);
        StringBuilder sh = new StringBuilder("cd '" + dir + "'\n");
        sh.append(STOREPASS_VAR + "='" + STOREPASS + "' " + SRCPASS_VAR + "='" + SRCPASS + "' " + WRONG_VAR
                + "='not-the-password' \\\n  ");
        sh.append(argv.stream().map(a -> a.matches("[A-Za-z0-9_./=:-]+") ? a : "'" + a + "'")
                .collect(Collectors.joining(" "))).append("\n");
        Files.writeString(dir.resolve("repro.sh"), sh.toString(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return run(dir, argv, passEnv(), null);
    }

    // ---- ksdoctor's JSON --------------------------------------------------------------------------
    static final class Report {
        Result r; Map<String, Object> json;
        List<Map<String, Object>> findings = new ArrayList<>();
        String describe() {
            return "exit " + r.exit + ", stderr: " + r.err.trim() + (json == null ? ", stdout: " + r.out.trim()
                    : ", findings: " + findings.stream().map(f -> f.get("severity") + " " + f.get("code"))
                            .collect(Collectors.toList()));
        }
        boolean has(String code, String severity) {
            for (Map<String, Object> f : findings)
                if (code.equals(f.get("code")) && (severity == null || severity.equals(f.get("severity")))) return true;
            return false;
        }
        List<String> errors() {
            List<String> l = new ArrayList<>();
            for (Map<String, Object> f : findings) if ("error".equals(f.get("severity"))) l.add(String.valueOf(f.get("code")));
            return l;
        }
        List<String> chainShas(String which) throws ImportOracle.Failure {
            Object o = json.get(which);
            if (o == null) return null;
            List<String> l = new ArrayList<>();
            for (Object c : ImportOracle.arr(ImportOracle.obj(o, which).get("chain"), which + ".chain"))
                l.add(String.valueOf(ImportOracle.obj(c, which + ".chain[]").get("sha256")));
            return l;
        }
    }

    static Report importJson(Path dir, List<String> args) throws Exception {
        List<String> a = new ArrayList<>(args);
        a.add("--format"); a.add("json");
        Report rep = new Report();
        rep.r = ksdoctor(dir, a);
        if (rep.r.exit == 0 || rep.r.exit == 1) {
            try {
                rep.json = ImportOracle.obj(ImportOracle.parseJson(rep.r.out), "stdout");
            } catch (ImportOracle.Failure f) {
                throw new ImportOracle.Failure("exit " + rep.r.exit + " without a JSON report on stdout (" + f.getMessage()
                        + "): " + rep.r.out.trim() + " / stderr: " + rep.r.err.trim());
            }
            for (Object f : ImportOracle.arr(rep.json.get("findings"), "findings"))
                rep.findings.add(ImportOracle.obj(f, "finding"));
            for (Map<String, Object> f : rep.findings)
                for (String k : new String[] {"code", "severity", "message"})
                    ImportOracle.expect(f.get(k) instanceof String, "finding without \"" + k + "\": " + f);
        }
        return rep;
    }

    // ---- files ------------------------------------------------------------------------------------
    static final class FileState {
        final Path p; final boolean exists; final byte[] bytes; final FileTime mtime; final Set<String> dir;
        FileState(Path p) throws IOException {
            this.p = p;
            exists = Files.exists(p);
            bytes = exists ? Files.readAllBytes(p) : null;
            mtime = exists ? Files.getLastModifiedTime(p) : null;
            dir = listing(p.getParent());
        }
        void unchanged(String why) throws Exception { unchanged(why, true); }
        /** Same bytes and mtime; with folder, no file appeared or went in its folder either. */
        void unchanged(String why, boolean folder) throws Exception {
            ImportOracle.expect(Files.exists(p) == exists, p.getFileName() + (exists ? " was removed" : " was created") + " " + why);
            if (exists) {
                ImportOracle.expect(Arrays.equals(Files.readAllBytes(p), bytes), p.getFileName() + " changed " + why);
                ImportOracle.expect(Files.getLastModifiedTime(p).equals(mtime),
                        p.getFileName() + " mtime changed " + why + " (" + mtime + " -> " + Files.getLastModifiedTime(p) + ")");
            }
            if (!folder) return;
            Set<String> now = listing(p.getParent());
            ImportOracle.expect(now.equals(dir), "files in " + p.getParent().getFileName() + " changed " + why + ": "
                    + dir + " -> " + now);
        }
    }
    static Set<String> listing(Path d) throws IOException {
        try (var s = Files.list(d)) {
            return s.map(x -> x.getFileName().toString()).filter(n -> !n.startsWith(".out") && !n.startsWith(".err")
                    && !n.equals("repro.sh")).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) Files.delete(x);
        }
    }

    static void storeKs(KeyStore ks, Path p) throws Exception {
        try (OutputStream o = Files.newOutputStream(p)) { ks.store(o, STOREPASS.toCharArray()); }
    }
    static KeyStore emptyKs(String type) throws Exception {
        KeyStore ks = KeyStore.getInstance(type);
        ks.load(null, null);
        return ks;
    }
    static Certificate[] arr(List<ImportOracle.Cert> chain) {
        Certificate[] a = new Certificate[chain.size()];
        for (int i = 0; i < a.length; i++) a[i] = chain.get(i).x509;
        return a;
    }

    /** key.pem in PKCS#8 written by Java, converted by openssl to the requested encoding. */
    static Path writeKey(Path dir, String name, KeyPair k, String encoding) throws Exception {
        Path p8 = dir.resolve(name + ".p8.pem");
        ImportOracle.write(p8, ImportOracle.pem("PRIVATE KEY", k.getPrivate().getEncoded()));
        Path out = dir.resolve(name + ".pem");
        switch (encoding) {
            case "pkcs8": Files.move(p8, out); return out;
            case "pkcs8-enc":
                tool(dir, openssl, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", p8.toString(), "-out", out.toString(),
                        "-passout", "env:" + SRCPASS_VAR);
                break;
            case "pkcs1": case "sec1":
                tool(dir, openssl, "pkey", "-in", p8.toString(), "-traditional", "-out", out.toString());
                break;
            default: throw new IllegalArgumentException(encoding);
        }
        Files.delete(p8);
        String head = Files.readString(out).split("\n")[0];
        String want = encoding.equals("pkcs8-enc") ? "ENCRYPTED PRIVATE KEY" : encoding.equals("pkcs1") ? "RSA PRIVATE KEY"
                : encoding.equals("sec1") ? "EC PRIVATE KEY" : "PRIVATE KEY";
        if (!head.equals("-----BEGIN " + want + "-----")) throw new Exception("openssl wrote " + head + " for " + encoding);
        return out;
    }

    /** A PFX of key + certs (leaf first): openssl (default or -legacy) or keytool -importkeystore. */
    static Path writePfx(Path dir, String name, KeyPair k, List<ImportOracle.Cert> certs, String maker) throws Exception {
        Path out = dir.resolve(name + ".p12");
        if (maker.startsWith("openssl")) {
            Path key = writeKey(dir, name + "-key", k, "pkcs8");
            Path leaf = dir.resolve(name + "-leaf.pem"), rest = dir.resolve(name + "-rest.pem");
            List<ImportOracle.Cert> others = new ArrayList<>();
            for (ImportOracle.Cert c : certs) {
                if (c.key == k) ImportOracle.write(leaf, ImportOracle.pemCerts(List.of(c)));
                else others.add(c);
            }
            ImportOracle.write(rest, ImportOracle.pemCerts(others));
            List<String> argv = new ArrayList<>(Arrays.asList(openssl, "pkcs12", "-export", "-inkey", key.toString(),
                    "-in", leaf.toString(), "-name", name, "-passout", "env:" + SRCPASS_VAR, "-out", out.toString()));
            if (!others.isEmpty()) { argv.add("-certfile"); argv.add(rest.toString()); }
            if (maker.equals("openssl-legacy")) argv.add("-legacy");
            tool(dir, argv.toArray(new String[0]));
            Files.delete(key); Files.delete(leaf); Files.delete(rest);
        } else {
            // keytool -importkeystore from a JKS holding the entry: the PFX keytool itself writes
            KeyStore jks = emptyKs("JKS");
            jks.setKeyEntry(name, k.getPrivate(), SRCPASS.toCharArray(), arr(certs));
            Path src = dir.resolve(name + "-src.jks");
            try (OutputStream o = Files.newOutputStream(src)) { jks.store(o, SRCPASS.toCharArray()); }
            tool(dir, keytool, "-J-Duser.language=en", "-importkeystore", "-noprompt", "-srckeystore", src.toString(),
                    "-srcstoretype", "JKS", "-srcstorepass:env", SRCPASS_VAR, "-destkeystore", out.toString(),
                    "-deststoretype", "PKCS12", "-deststorepass:env", SRCPASS_VAR);
            Files.delete(src);
        }
        return out;
    }

    /** A CA reply: pem, pem-multi, der (one certificate), p7b-der, p7b-pem. */
    static Path writeReply(Path dir, List<ImportOracle.Cert> certs, String format) throws Exception {
        Path pem = dir.resolve("reply-certs.pem");
        ImportOracle.write(pem, ImportOracle.pemCerts(certs));
        switch (format) {
            case "pem": case "pem-multi": {
                Path p = dir.resolve("reply.pem");
                Files.move(pem, p);
                return p;
            }
            case "der": {
                Path p = dir.resolve("reply.cer");
                Files.write(p, certs.get(0).der());
                Files.delete(pem);
                return p;
            }
            default: {
                boolean der = format.equals("p7b-der");
                Path p = dir.resolve(der ? "reply.p7b" : "reply.p7b.pem");
                tool(dir, openssl, "crl2pkcs7", "-nocrl", "-certfile", pem.toString(), "-outform", der ? "DER" : "PEM",
                        "-out", p.toString());
                Files.delete(pem);
                return p;
            }
        }
    }

    // ---- one PKI ----------------------------------------------------------------------------------
    /** root -> int1 .. intN -> leaf, optionally int1 cross-signed by root2. */
    static final class Pki {
        ImportOracle.Cert root, root2, leaf, int1x;
        final List<ImportOracle.Cert> ints = new ArrayList<>(); // int1 (under the root) .. intN (issues the leaf)
        String leafDn, host;

        static Pki make(Keys keys, String tag, int depth, boolean crossed, KeyPair leafKey, String leafDn,
                        String host, boolean expiredLeaf) throws Exception {
            Pki p = new Pki();
            p.host = host; p.leafDn = leafDn;
            p.root = ImportOracle.build("CN=" + tag + " Root CA" + O, keys.take(false), null, true, null,
                    ImportOracle.NORMAL_FROM, ImportOracle.NORMAL_TO);
            ImportOracle.Cert up = p.root;
            for (int i = 1; i <= depth; i++) {
                up = ImportOracle.build("CN=" + tag + " Intermediate CA " + i + O, keys.take(false), up, true, null,
                        ImportOracle.NORMAL_FROM, ImportOracle.NORMAL_TO);
                p.ints.add(up);
            }
            if (crossed) {
                p.root2 = ImportOracle.build("CN=" + tag + " Second Root CA" + O, keys.take(false), null, true, null,
                        ImportOracle.NORMAL_FROM, ImportOracle.NORMAL_TO);
                ImportOracle.Cert i1 = p.ints.get(0);
                p.int1x = ImportOracle.build(i1.dn, i1.key, p.root2, true, null, ImportOracle.NORMAL_FROM,
                        ImportOracle.NORMAL_TO);
            }
            p.leaf = ImportOracle.build(leafDn, leafKey, up, false, List.of(host), expiredLeaf ? ImportOracle.EXPIRED_FROM
                    : ImportOracle.NORMAL_FROM, expiredLeaf ? ImportOracle.EXPIRED_TO : ImportOracle.NORMAL_TO);
            return p;
        }

        /** The completed chain: through the cross certificate and root2 when crossed. */
        List<ImportOracle.Cert> chain() {
            List<ImportOracle.Cert> c = new ArrayList<>();
            c.add(leaf);
            for (int i = ints.size() - 1; i >= 0; i--) c.add(i == 0 && int1x != null ? int1x : ints.get(i));
            c.add(int1x != null ? root2 : root);
            return c;
        }
        ImportOracle.Cert topRoot() { return int1x != null ? root2 : root; }
    }

    /** A foreign complete PKI: a key entry [leaf, root] or a trusted root for a target's other entries. */
    static List<ImportOracle.Cert> foreignChain(Keys keys, String tag, KeyPair leafKey, String host, boolean expired)
            throws Exception {
        ImportOracle.Cert root = ImportOracle.build("CN=" + tag + " Root CA" + O, keys.take(false), null, true, null,
                ImportOracle.NORMAL_FROM, ImportOracle.NORMAL_TO);
        ImportOracle.Cert leaf = ImportOracle.build("CN=" + host + O, leafKey, root, false, List.of(host),
                expired ? ImportOracle.EXPIRED_FROM : ImportOracle.NORMAL_FROM,
                expired ? ImportOracle.EXPIRED_TO : ImportOracle.NORMAL_TO);
        return List.of(leaf, root);
    }

    // ---- a randomized scenario --------------------------------------------------------------------
    static <T> T pick(Random rnd, List<T> l) { return l.get(rnd.nextInt(l.size())); }

    static void randomScenario(Random rnd, String name) throws Exception {
        Path dir = work.resolve(name);
        Files.createDirectories(dir);
        Keys keys = new Keys(rnd);
        List<String> knobs = new ArrayList<>();

        boolean rsa = rnd.nextBoolean();
        String form = pick(rnd, List.of("pkcs12", "key", "reply"));
        String sub = form.equals("pkcs12") ? pick(rnd, List.of("openssl", "openssl-legacy", "keytool"))
                : form.equals("key") ? pick(rnd, List.of("pkcs8", "pkcs8-enc", rsa ? "pkcs1" : "sec1"))
                : pick(rnd, List.of("pem", "pem-multi", "der", "p7b-der", "p7b-pem"));
        int depth = 1 + rnd.nextInt(3);
        String cross = rnd.nextDouble() < 0.25 ? pick(rnd, List.of("cross-only", "cross-both")) : "none";
        String layout = pick(rnd, List.of("complete", "noroot", "leafonly", "reversed", "extras"));
        if (sub.equals("der") || sub.equals("pem")) layout = "leafonly";          // one certificate
        if (sub.equals("keytool") && (layout.equals("reversed") || layout.equals("extras"))) layout = "complete";
        boolean targetExists = form.equals("reply") || rnd.nextDouble() < 0.8;
        String type = rnd.nextBoolean() ? "JKS" : "PKCS12";
        String missingFrom = pick(rnd, targetExists ? List.of("from-file", "from-dir", "from-keystore", "target")
                : List.of("from-file", "from-dir", "from-keystore"));
        String renewal = form.equals("reply") || !targetExists ? "none" : pick(rnd, List.of("none", "none", "keep", "replace"));
        boolean oldExpired = rnd.nextBoolean();
        boolean inPlace = !targetExists || rnd.nextBoolean();
        boolean storepassFile = rnd.nextBoolean(), srcpassFile = rnd.nextBoolean();
        boolean fromSystem = rnd.nextDouble() < 0.15;
        int otherTrusted = rnd.nextInt(3), otherKeys = rnd.nextInt(2);
        String alias = "mail-" + name;
        knobs.addAll(List.of(rsa ? "RSA" : "EC", form + "/" + sub, "depth=" + depth, cross, layout, type,
                targetExists ? "existing" : "new-target", "missing:" + missingFrom, "renewal=" + renewal
                        + (renewal.equals("none") ? "" : oldExpired ? "(old expired)" : "(old valid)"),
                inPlace ? "in-place" : "out", "others=" + otherTrusted + "t+" + otherKeys + "k"));
        Files.writeString(dir.resolve("scenario.txt"), String.join(" ", knobs) + "\n");
        System.out.println("     " + name + ": " + String.join(" ", knobs));

        String host = "mail-" + name + ".example.test";
        KeyPair leafKey = keys.take(rsa);
        Pki pki = Pki.make(keys, name, depth, !cross.equals("none"), leafKey, "CN=" + host + O, host, false);
        List<ImportOracle.Cert> expected = pki.chain();

        // what the source holds, and what has to come from elsewhere
        List<ImportOracle.Cert> above = new ArrayList<>(expected.subList(1, expected.size()));   // ints (bottom up) + root
        List<ImportOracle.Cert> extras = new ArrayList<>();
        if (cross.equals("cross-only")) extras.add(pki.root);             // the other root: a distractor
        if (cross.equals("cross-both")) extras.add(pki.ints.get(0));      // int1 under a root nobody has
        List<ImportOracle.Cert> given = new ArrayList<>(), elsewhere = new ArrayList<>();
        given.add(pki.leaf);
        switch (layout) {
            case "complete": case "reversed": case "extras": given.addAll(above); break;
            case "noroot": given.addAll(above.subList(0, above.size() - 1)); elsewhere.add(above.get(above.size() - 1)); break;
            case "leafonly": elsewhere.addAll(above); break;
            default: throw new IllegalStateException();
        }
        boolean sourceTakesAny = !sub.equals("keytool") && !sub.equals("der") && !sub.equals("pem");
        if (layout.equals("extras") && sourceTakesAny) {
            ImportOracle.Cert fr = ImportOracle.build("CN=" + name + " Unrelated Root" + O, keys.take(false), null, true,
                    null, ImportOracle.NORMAL_FROM, ImportOracle.NORMAL_TO);
            ImportOracle.Cert fi = ImportOracle.build("CN=" + name + " Unrelated Intermediate" + O, keys.take(false), fr,
                    true, null, ImportOracle.NORMAL_FROM, ImportOracle.NORMAL_TO);
            given.add(fi); given.add(fr);
            List<ImportOracle.Cert> tail = new ArrayList<>(given.subList(1, given.size()));
            Collections.shuffle(tail, rnd);
            given = new ArrayList<>(given.subList(0, 1));
            given.addAll(tail);
        }
        List<ImportOracle.Cert> extrasFrom = new ArrayList<>();
        if (sourceTakesAny && rnd.nextBoolean()) given.addAll(extras); else extrasFrom.addAll(extras);
        if (layout.equals("reversed")) Collections.reverse(given);       // the leaf last
        if (!sourceTakesAny && !given.get(0).equals(pki.leaf)) throw new IllegalStateException();

        // the target
        Path target = dir.resolve(type.equals("JKS") ? "target.jks" : "target.p12");
        KeyStore before = emptyKs(type);
        String oldAlias = null;
        List<ImportOracle.Cert> oldChain = null;
        KeyPair replyKey = null;
        if (targetExists) {
            for (int i = 0; i < otherTrusted; i++) {
                ImportOracle.Cert r = ImportOracle.build("CN=" + name + " Other Trusted " + i + O, keys.take(false), null,
                        true, null, ImportOracle.NORMAL_FROM, ImportOracle.NORMAL_TO);
                before.setCertificateEntry("trusted-" + i, r.x509);
            }
            for (int i = 0; i < otherKeys; i++) {
                // the other key type: the handshake for this leaf's type chooses among its own type
                List<ImportOracle.Cert> c = foreignChain(keys, name + " Other " + i, keys.take(!rsa),
                        "other" + i + "-" + name + ".example.test", false);
                before.setKeyEntry("other-key-" + i, c.get(0).key.getPrivate(), STOREPASS.toCharArray(), arr(c));
            }
            if (missingFrom.equals("target"))
                for (int i = 0; i < elsewhere.size(); i++) before.setCertificateEntry("ca-" + i, elsewhere.get(i).x509);
            if (!renewal.equals("none")) {
                oldAlias = renewal.equals("replace") ? alias : "old-" + name;
                oldChain = foreignChain(keys, name + " Old", keys.take(rsa), host, oldExpired);
                // same subject and SAN as the renewal, an older key
                ImportOracle.Cert oldRoot = oldChain.get(1);
                ImportOracle.Cert oldLeaf = ImportOracle.build(pki.leafDn, oldChain.get(0).key, oldRoot, false,
                        List.of(host), oldExpired ? ImportOracle.EXPIRED_FROM : ImportOracle.NORMAL_FROM,
                        oldExpired ? ImportOracle.EXPIRED_TO : ImportOracle.NORMAL_TO);
                oldChain = List.of(oldLeaf, oldRoot);
                before.setKeyEntry(oldAlias, oldLeaf.key.getPrivate(), STOREPASS.toCharArray(), arr(oldChain));
            }
            if (form.equals("reply")) {
                // what keytool -genkeypair leaves: the key with a self-signed certificate
                replyKey = leafKey;
                ImportOracle.Cert self = ImportOracle.build(pki.leafDn, leafKey, null, false, List.of(host),
                        ImportOracle.NORMAL_FROM, ImportOracle.NORMAL_TO);
                before.setKeyEntry(alias, leafKey.getPrivate(), STOREPASS.toCharArray(), new Certificate[] {self.x509});
                oldAlias = alias;
                oldChain = List.of(self);
            }
            storeKs(before, target);
        }

        // the source
        List<String> args = new ArrayList<>();
        args.add(target.getFileName().toString());
        args.add("--alias"); args.add(alias);
        boolean needsSrcpass = false;
        Path reply = null;
        switch (form) {
            case "pkcs12":
                args.add("--pkcs12");
                args.add(writePfx(dir, "source", leafKey, given, sub).getFileName().toString());
                needsSrcpass = true;
                if (rnd.nextBoolean()) { args.add("--src-alias"); args.add("source"); }
                break;
            case "key": {
                args.add("--key");
                args.add(writeKey(dir, "source-key", leafKey, sub).getFileName().toString());
                Path certs = dir.resolve("source-certs.pem");
                ImportOracle.write(certs, ImportOracle.pemCerts(given));
                args.add("--cert"); args.add(certs.getFileName().toString());
                needsSrcpass = sub.equals("pkcs8-enc");
                break;
            }
            default:
                reply = writeReply(dir, given, sub);
                args.add("--cert-reply"); args.add(reply.getFileName().toString());
        }
        if (needsSrcpass) {
            if (srcpassFile) {
                Files.writeString(dir.resolve("srcpass.txt"), SRCPASS + "\n");
                args.add("--srcpass-file"); args.add("srcpass.txt");
            } else { args.add("--srcpass-env"); args.add(SRCPASS_VAR); }
        }
        if (!elsewhere.isEmpty() && !missingFrom.equals("target")) {
            switch (missingFrom) {
                case "from-file": {
                    Path f = dir.resolve("issuers.pem");
                    ImportOracle.write(f, ImportOracle.pemCerts(elsewhere));
                    args.add("--from"); args.add(f.getFileName().toString());
                    break;
                }
                case "from-dir": {
                    Path d = dir.resolve("issuers");
                    Files.createDirectories(d);
                    for (int i = 0; i < elsewhere.size(); i++) {
                        if (i % 2 == 0) Files.write(d.resolve("ca" + i + ".cer"), elsewhere.get(i).der());
                        else ImportOracle.write(d.resolve("ca" + i + ".pem"), ImportOracle.pemCerts(elsewhere.subList(i, i + 1)));
                    }
                    args.add("--from"); args.add("issuers");
                    break;
                }
                default: {
                    KeyStore ts = emptyKs("JKS");
                    for (int i = 0; i < elsewhere.size(); i++) ts.setCertificateEntry("ca-" + i, elsewhere.get(i).x509);
                    Path f = dir.resolve("issuers.jks");
                    storeKs(ts, f);
                    args.add("--from"); args.add(f.getFileName().toString());
                }
            }
        }
        if (!extrasFrom.isEmpty()) {
            Path f = dir.resolve("extra-cas.pem");
            ImportOracle.write(f, ImportOracle.pemCerts(extrasFrom));
            args.add("--from"); args.add(f.getFileName().toString());
        }
        if (fromSystem) { args.add("--from"); args.add("system"); }
        if (renewal.equals("replace")) args.add("--replace");
        Path written = target;
        if (inPlace) args.add("--in-place");
        else {
            written = dir.resolve(type.equals("JKS") ? "written.jks" : "written.p12");
            args.add("--out"); args.add(written.getFileName().toString());
        }
        if (!targetExists || rnd.nextDouble() < 0.3) { args.add("--type"); args.add(type.equals("JKS") ? "jks" : "pkcs12"); }
        if (storepassFile) {
            Files.writeString(dir.resolve("storepass.txt"), STOREPASS + "\n");
            args.add("--storepass-file"); args.add("storepass.txt");
        } else { args.add("--storepass-env"); args.add(STOREPASS_VAR); }

        Map<String, ImportOracle.EntrySnap> snap = targetExists
                ? ImportOracle.snapshot(ImportOracle.load(target, type, STOREPASS.toCharArray()), STOREPASS.toCharArray())
                : new TreeMap<>();
        FileState targetState = new FileState(target);

        // Would Java present the old entry (renewal kept under another alias)? Ask the JVM about the
        // store Java itself would write with the new entry added.
        boolean oldPresented = false;
        String keyType = rsa ? "RSA" : "EC";
        if (renewal.equals("keep")) {
            KeyStore sim = ImportOracle.load(target, type, STOREPASS.toCharArray());
            sim.setKeyEntry(alias, leafKey.getPrivate(), STOREPASS.toCharArray(), arr(expected));
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            sim.store(bo, STOREPASS.toCharArray());
            KeyStore again = KeyStore.getInstance(type);
            again.load(new ByteArrayInputStream(bo.toByteArray()), STOREPASS.toCharArray());
            String sun = ImportOracle.serverAlias(again, STOREPASS.toCharArray(), "SunX509", keyType);
            String pkix = ImportOracle.serverAlias(again, STOREPASS.toCharArray(), "PKIX", keyType);
            oldPresented = !alias.equals(sun) || !(pkix != null && pkix.endsWith("." + alias));
            Files.writeString(dir.resolve("scenario.txt"), "java with both entries: SunX509 -> " + sun + ", PKIX -> " + pkix
                    + "\n", StandardOpenOption.APPEND);
        }

        Report rep = importJson(dir, args);
        if (oldPresented && rep.r.exit == 1) {
            ImportOracle.expect(rep.has("OLD_KEY_ENTRY_PRESENTED", "error"),
                    "Java would present '" + oldAlias + "', exit 1 but no OLD_KEY_ENTRY_PRESENTED error: " + rep.describe());
            targetState.unchanged("by a refused import");
            ImportOracle.expect(!Files.exists(written) || written.equals(target), "--out file written by a refused import");
            System.out.println("     " + name + ": refused with OLD_KEY_ENTRY_PRESENTED, as Java predicts");
            return;
        }
        ImportOracle.expect(rep.r.exit == 0, "expected exit 0 (import with complete chain), got " + rep.describe());
        ImportOracle.expect(rep.errors().isEmpty(), "exit 0 with error findings " + rep.errors());
        ImportOracle.expect(alias.equals(rep.json.get("alias")), "\"alias\" is " + rep.json.get("alias"));
        ImportOracle.expect(Boolean.TRUE.equals(rep.json.get("written")), "\"written\" is " + rep.json.get("written"));
        ImportOracle.expect(Boolean.FALSE.equals(rep.json.get("dry_run")), "\"dry_run\" is " + rep.json.get("dry_run"));
        ImportOracle.expect(ImportOracle.shas(expected).equals(rep.chainShas("new")),
                "\"new\".chain " + rep.chainShas("new") + ", expected " + ImportOracle.shas(expected));
        if (oldChain != null && oldAlias.equals(alias)) {
            List<String> old = rep.chainShas("old");
            ImportOracle.expect(old != null && !old.isEmpty() && old.get(0).equals(oldChain.get(0).sha()),
                    "\"old\" is not the replaced entry: " + rep.json.get("old"));
        } else {
            ImportOracle.expect(rep.json.get("old") == null, "\"old\" is not null for a new alias: " + rep.json.get("old"));
        }
        if (!inPlace) targetState.unchanged("by an import with --out", false);
        ImportOracle.expect(Files.exists(written), written.getFileName() + " was not written");

        Set<String> replaced = oldAlias != null && oldAlias.equals(alias) ? Set.of(alias) : Set.of();
        KeyStore after = ImportOracle.checkStore(written, type, STOREPASS.toCharArray(), alias, ImportOracle.shas(expected),
                leafKey.getPrivate(), snap, replaced);
        String sun = ImportOracle.serverAlias(after, STOREPASS.toCharArray(), "SunX509", keyType);
        String pkix = ImportOracle.serverAlias(after, STOREPASS.toCharArray(), "PKIX", keyType);
        ImportOracle.expect(alias.equals(sun), "SunX509 presents '" + sun + "' for " + keyType + ", not '" + alias + "'");
        ImportOracle.expect(pkix != null && pkix.endsWith("." + alias), "PKIX presents '" + pkix + "' for " + keyType);
        List<String> sent = ImportOracle.handshake(after, STOREPASS.toCharArray(), pki.topRoot().x509, rsa);
        ImportOracle.expect(sent.equals(ImportOracle.shas(expected)), "the TLS server sent " + sent + ", expected "
                + ImportOracle.shas(expected));

        if (form.equals("reply")) compareWithKeytool(dir, target, targetState, reply, alias, type, expected,
                args.contains("--from"));
    }

    /**
     * keytool -importcert of the same reply into a copy of the store as it was: where keytool's chain
     * verifies to a root, ksdoctor's must equal it; where keytool cannot establish the chain, ksdoctor
     * needed --from (it succeeded here); where keytool installs a chain that does not verify, ksdoctor
     * wrote the verified one (checked by the caller).
     */
    static void compareWithKeytool(Path dir, Path target, FileState before, Path reply, String alias, String type,
                                   List<ImportOracle.Cert> ksdoctorChain, boolean usedFrom) throws Exception {
        Path copy = dir.resolve("keytool-" + target.getFileName());
        Files.write(copy, before.bytes);
        Result r = run(dir, List.of(keytool, "-J-Duser.language=en", "-importcert", "-noprompt", "-alias", alias,
                "-file", reply.toString(), "-keystore", copy.toString(), "-storepass:env", STOREPASS_VAR), passEnv(), null);
        String kt = (r.out + r.err).trim().replace('\n', ' ');
        if (r.exit == 0) {
            Certificate[] chain = ImportOracle.load(copy, type, STOREPASS.toCharArray()).getCertificateChain(alias);
            if (ImportOracle.verifiesToRoot(chain)) {
                ImportOracle.expect(ImportOracle.shas(chain).equals(ImportOracle.shas(ksdoctorChain)),
                        "keytool installed the verified chain " + ImportOracle.shas(chain) + ", ksdoctor "
                                + ImportOracle.shas(ksdoctorChain));
                System.out.println("     keytool: same verified chain");
            } else {
                System.out.println("     keytool: installed a chain that does not verify (" + chain.length
                        + " certificates); ksdoctor wrote the verified one");
            }
        } else if (kt.contains("Failed to establish chain from reply")) {
            ImportOracle.expect(usedFrom, "keytool could not establish the chain from the store, yet ksdoctor did without --from");
            System.out.println("     keytool: Failed to establish chain from reply; ksdoctor completed it with --from");
        } else {
            System.out.println("     keytool: exit " + r.exit + ": " + kt);
        }
    }

    // ---- refusals ---------------------------------------------------------------------------------
    static final class Refusals {
        static void all() {
            runCase("r01-key-cert-mismatch", Refusals::keyCertMismatch);
            runCase("r02-reply-another-key", Refusals::replyAnotherKey);
            runCase("r03-wrong-srcpass-pkcs12", n -> wrongSrcpass(n, true));
            runCase("r04-wrong-srcpass-pkcs8", n -> wrongSrcpass(n, false));
            runCase("r05-missing-intermediate", n -> missingIntermediate(n, false));
            runCase("r06-missing-intermediate-reply", n -> missingIntermediate(n, true));
            runCase("r07-expired-leaf", Refusals::expiredLeaf);
            runCase("r08-alias-exists", Refusals::aliasExists);
            runCase("r09-wrong-storepass", Refusals::wrongStorepass);
            runCase("r10-dry-run", Refusals::dryRun);
            runCase("r11-reply-unrelated-root", Refusals::replyUnrelatedRoot);
        }

        /** A JKS target with one trusted root and one key entry, and a fresh 1-intermediate PKI. */
        static final class Setup {
            Path dir, target; Keys keys; Pki pki; KeyPair leafKey; KeyStore ks;
            Setup(String name, boolean rsa, String type, boolean expiredLeaf) throws Exception {
                dir = work.resolve(name);
                Files.createDirectories(dir);
                keys = new Keys(new Random(name.hashCode()));
                leafKey = keys.take(rsa);
                pki = Pki.make(keys, name, 1, false, leafKey, "CN=mail." + name + ".test" + O, "mail." + name + ".test",
                        expiredLeaf);
                target = dir.resolve(type.equals("JKS") ? "target.jks" : "target.p12");
                ks = emptyKs(type);
                ImportOracle.Cert other = ImportOracle.build("CN=" + name + " Other Root" + O, keys.take(false), null, true,
                        null, ImportOracle.NORMAL_FROM, ImportOracle.NORMAL_TO);
                ks.setCertificateEntry("other-root", other.x509);
                List<ImportOracle.Cert> c = foreignChain(keys, name + " Other", keys.take(!rsa), "other." + name + ".test", false);
                ks.setKeyEntry("other-key", c.get(0).key.getPrivate(), STOREPASS.toCharArray(), arr(c));
            }
            void save() throws Exception { storeKs(ks, target); }
            Path certs(String file, List<ImportOracle.Cert> l) throws Exception {
                Path p = dir.resolve(file);
                ImportOracle.write(p, ImportOracle.pemCerts(l));
                return p;
            }
        }

        static List<String> base(Setup s, String alias) {
            return new ArrayList<>(List.of(s.target.getFileName().toString(), "--alias", alias, "--in-place",
                    "--storepass-env", STOREPASS_VAR));
        }

        /** exit 1, the code as an error, nothing written. */
        static Report refused(Setup s, List<String> args, String code) throws Exception {
            FileState st = new FileState(s.target);
            Report rep = importJson(s.dir, args);
            ImportOracle.expect(rep.r.exit == 1, "expected exit 1 with " + code + ", got " + rep.describe());
            ImportOracle.expect(rep.has(code, "error"), "expected error " + code + ", got " + rep.describe());
            ImportOracle.expect(Boolean.FALSE.equals(rep.json.get("written")), "\"written\" is " + rep.json.get("written"));
            st.unchanged("by a refused import (" + code + ")");
            return rep;
        }

        /** exit 2 with one line on stderr, nothing written. */
        static void couldNotRun(Setup s, List<String> args, String why, String mention) throws Exception {
            FileState st = new FileState(s.target);
            Result r = ksdoctor(s.dir, args);
            ImportOracle.expect(r.exit == 2, "expected exit 2 (" + why + "), got exit " + r.exit + ": " + r.err + r.out);
            ImportOracle.expect(r.errLines().size() == 1, "expected one line on stderr, got: " + r.err);
            ImportOracle.expect(r.err.toLowerCase(Locale.ROOT).contains(mention.toLowerCase(Locale.ROOT)),
                    "the stderr line for " + why + " does not mention '" + mention + "': " + r.err.trim());
            st.unchanged("by an import that could not run (" + why + ")");
        }

        static void keyCertMismatch(String name) throws Exception {
            Setup s = new Setup(name, true, "JKS", false);
            s.save();
            KeyPair otherKey = s.keys.take(true);
            List<String> a = base(s, "mail");
            a.addAll(List.of("--key", writeKey(s.dir, "wrong-key", otherKey, "pkcs8").getFileName().toString(),
                    "--cert", s.certs("chain.pem", s.pki.chain()).getFileName().toString()));
            refused(s, a, "KEY_CERT_MISMATCH");
        }

        static void replyAnotherKey(String name) throws Exception {
            Setup s = new Setup(name, false, "JKS", false);
            KeyPair entryKey = s.keys.take(false);
            ImportOracle.Cert self = ImportOracle.build(s.pki.leafDn, entryKey, null, false, List.of(s.pki.host),
                    ImportOracle.NORMAL_FROM, ImportOracle.NORMAL_TO);
            s.ks.setKeyEntry("mail", entryKey.getPrivate(), STOREPASS.toCharArray(), new Certificate[] {self.x509});
            s.save();
            List<String> a = base(s, "mail");
            a.addAll(List.of("--cert-reply", writeReply(s.dir, s.pki.chain(), "p7b-der").getFileName().toString()));
            // keytool refuses it too
            Path copy = s.dir.resolve("keytool-copy.jks");
            Files.copy(s.target, copy);
            Result r = run(s.dir, List.of(keytool, "-J-Duser.language=en", "-importcert", "-noprompt", "-alias", "mail",
                    "-file", "reply.p7b", "-keystore", copy.toString(), "-storepass:env", STOREPASS_VAR), passEnv(), null);
            ImportOracle.expect(r.exit != 0, "keytool installed a reply for another key?");
            Files.delete(copy);
            refused(s, a, "REPLY_KEY_MISMATCH");
        }

        static void wrongSrcpass(String name, boolean pfx) throws Exception {
            Setup s = new Setup(name, true, "PKCS12", false);
            s.save();
            List<String> a = base(s, "mail");
            if (pfx) {
                a.addAll(List.of("--pkcs12", writePfx(s.dir, "source", s.leafKey, s.pki.chain(), "openssl").getFileName().toString()));
            } else {
                a.addAll(List.of("--key", writeKey(s.dir, "source-key", s.leafKey, "pkcs8-enc").getFileName().toString(),
                        "--cert", s.certs("chain.pem", s.pki.chain()).getFileName().toString()));
            }
            // the right password imports (control: the refusal below is about the password only)
            List<String> ok = new ArrayList<>(a);
            ok.addAll(List.of("--srcpass-env", SRCPASS_VAR, "--dry-run"));
            Report rep = importJson(s.dir, ok);
            ImportOracle.expect(rep.r.exit == 0, "with the right source password: " + rep.describe());
            a.addAll(List.of("--srcpass-env", WRONG_VAR));
            couldNotRun(s, a, "wrong source password", "password");
        }

        static void missingIntermediate(String name, boolean reply) throws Exception {
            Setup s = new Setup(name, true, "JKS", false);
            s.ks.setCertificateEntry("root", s.pki.root.x509);   // the root is there, the intermediate is not
            List<String> a = base(s, "mail");
            if (reply) {
                ImportOracle.Cert self = ImportOracle.build(s.pki.leafDn, s.leafKey, null, false, List.of(s.pki.host),
                        ImportOracle.NORMAL_FROM, ImportOracle.NORMAL_TO);
                s.ks.setKeyEntry("mail", s.leafKey.getPrivate(), STOREPASS.toCharArray(), new Certificate[] {self.x509});
                s.save();
                a.addAll(List.of("--cert-reply", writeReply(s.dir, List.of(s.pki.leaf), "der").getFileName().toString()));
            } else {
                s.save();
                a.addAll(List.of("--key", writeKey(s.dir, "source-key", s.leafKey, "pkcs1").getFileName().toString(),
                        "--cert", s.certs("leaf.pem", List.of(s.pki.leaf)).getFileName().toString()));
            }
            if (reply) {
                Path copy = s.dir.resolve("keytool-copy.jks");
                Files.copy(s.target, copy);
                Result r = run(s.dir, List.of(keytool, "-J-Duser.language=en", "-importcert", "-noprompt", "-alias", "mail",
                        "-file", "reply.cer", "-keystore", copy.toString(), "-storepass:env", STOREPASS_VAR), passEnv(), null);
                ImportOracle.expect(r.exit != 0 && (r.out + r.err).contains("Failed to establish chain from reply"),
                        "keytool was expected to fail to establish the chain: exit " + r.exit + " " + r.out + r.err);
                Files.delete(copy);
            }
            refused(s, a, "MISSING_INTERMEDIATE");
            // with the intermediate from --from: imported, completed to the root in the store
            Path inter = s.certs("intermediate.pem", List.of(s.pki.ints.get(0)));
            Map<String, ImportOracle.EntrySnap> snap = ImportOracle.snapshot(ImportOracle.load(s.target, "JKS",
                    STOREPASS.toCharArray()), STOREPASS.toCharArray());
            a.addAll(List.of("--from", inter.getFileName().toString()));
            Report rep = importJson(s.dir, a);
            ImportOracle.expect(rep.r.exit == 0, "with --from the intermediate: " + rep.describe());
            KeyStore after = ImportOracle.checkStore(s.target, "JKS", STOREPASS.toCharArray(), "mail",
                    ImportOracle.shas(s.pki.chain()), s.leafKey.getPrivate(), snap, Set.of("mail"));
            List<String> sent = ImportOracle.handshake(after, STOREPASS.toCharArray(), s.pki.root.x509, true);
            ImportOracle.expect(sent.equals(ImportOracle.shas(s.pki.chain())), "the TLS server sent " + sent);
        }

        static void expiredLeaf(String name) throws Exception {
            Setup s = new Setup(name, true, "PKCS12", true);
            s.save();
            Path pfx = writePfx(s.dir, "expired", s.leafKey, s.pki.chain(), "openssl");
            List<String> a = base(s, "mail");
            a.addAll(List.of("--pkcs12", pfx.getFileName().toString(), "--srcpass-env", SRCPASS_VAR));
            // keytool -importkeystore -noprompt takes it without a word
            Path copy = s.dir.resolve("keytool-copy.p12");
            Files.copy(s.target, copy);
            tool(s.dir, keytool, "-J-Duser.language=en", "-importkeystore", "-noprompt", "-srckeystore", pfx.toString(),
                    "-srcstoretype", "PKCS12", "-srcstorepass:env", SRCPASS_VAR, "-destkeystore", copy.toString(),
                    "-deststorepass:env", STOREPASS_VAR, "-srcalias", "expired", "-destalias", "mail");
            KeyStore k = ImportOracle.load(copy, "PKCS12", STOREPASS.toCharArray());
            ImportOracle.expect(k.isKeyEntry("mail"), "keytool did not import the expired leaf (measured: it does)");
            Files.delete(copy);
            refused(s, a, "CERT_EXPIRED");
        }

        static void aliasExists(String name) throws Exception {
            Setup s = new Setup(name, false, "JKS", false);
            List<ImportOracle.Cert> old = foreignChain(s.keys, name + " Old", s.keys.take(false), s.pki.host, false);
            s.ks.setKeyEntry("mail", old.get(0).key.getPrivate(), STOREPASS.toCharArray(), arr(old));
            s.save();
            Path pfx = writePfx(s.dir, "source", s.leafKey, s.pki.chain(), "keytool");
            List<String> a = base(s, "mail");
            a.addAll(List.of("--pkcs12", pfx.getFileName().toString(), "--srcpass-file", "srcpass.txt"));
            Files.writeString(s.dir.resolve("srcpass.txt"), SRCPASS + "\n");
            // keytool -importkeystore -noprompt overwrites the alias silently
            Path copy = s.dir.resolve("keytool-copy.jks");
            Files.copy(s.target, copy);
            tool(s.dir, keytool, "-J-Duser.language=en", "-importkeystore", "-noprompt", "-srckeystore", pfx.toString(),
                    "-srcstoretype", "PKCS12", "-srcstorepass:env", SRCPASS_VAR, "-destkeystore", copy.toString(),
                    "-deststorepass:env", STOREPASS_VAR, "-srcalias", "source", "-destalias", "mail",
                    "-destkeypass:env", STOREPASS_VAR);
            Certificate[] kc = ImportOracle.load(copy, "JKS", STOREPASS.toCharArray()).getCertificateChain("mail");
            ImportOracle.expect(ImportOracle.shas(kc).get(0).equals(s.pki.leaf.sha()),
                    "keytool did not overwrite the alias (measured: it does)");
            Files.delete(copy);
            refused(s, a, "ALIAS_EXISTS");
            // with --replace: imported, the old entry reported
            Map<String, ImportOracle.EntrySnap> snap = ImportOracle.snapshot(ImportOracle.load(s.target, "JKS",
                    STOREPASS.toCharArray()), STOREPASS.toCharArray());
            a.add("--replace");
            Report rep = importJson(s.dir, a);
            ImportOracle.expect(rep.r.exit == 0, "with --replace: " + rep.describe());
            List<String> oldShas = rep.chainShas("old");
            ImportOracle.expect(oldShas != null && oldShas.get(0).equals(old.get(0).sha()), "\"old\" is " + rep.json.get("old"));
            KeyStore after = ImportOracle.checkStore(s.target, "JKS", STOREPASS.toCharArray(), "mail",
                    ImportOracle.shas(s.pki.chain()), s.leafKey.getPrivate(), snap, Set.of("mail"));
            List<String> sent = ImportOracle.handshake(after, STOREPASS.toCharArray(), s.pki.root.x509, false);
            ImportOracle.expect(sent.equals(ImportOracle.shas(s.pki.chain())), "the TLS server sent " + sent);
        }

        static void wrongStorepass(String name) throws Exception {
            Setup s = new Setup(name, true, "JKS", false);
            s.save();
            List<String> src = List.of("--key", writeKey(s.dir, "source-key", s.leafKey, "pkcs8").getFileName().toString(),
                    "--cert", s.certs("chain.pem", s.pki.chain()).getFileName().toString());
            // control: with the right password the same import would succeed
            List<String> ok = base(s, "mail");
            ok.addAll(src);
            ok.add("--dry-run");
            Report rep = importJson(s.dir, ok);
            ImportOracle.expect(rep.r.exit == 0, "control with the right store password: " + rep.describe());
            List<String> a = new ArrayList<>(List.of(s.target.getFileName().toString(), "--alias", "mail", "--in-place",
                    "--storepass-env", WRONG_VAR));
            a.addAll(src);
            couldNotRun(s, a, "wrong store password", "password");
            // an unreadable source
            List<String> b = base(s, "mail");
            b.addAll(List.of("--key", "no-such-key.pem", "--cert", "chain.pem"));
            couldNotRun(s, b, "unreadable key file", "no-such-key.pem");
            // usage: neither --in-place nor --out
            List<String> c = new ArrayList<>(List.of(s.target.getFileName().toString(), "--alias", "mail",
                    "--storepass-env", STOREPASS_VAR));
            c.addAll(src);
            couldNotRun(s, c, "neither --in-place nor --out", "--");
        }

        static void dryRun(String name) throws Exception {
            Setup s = new Setup(name, true, "PKCS12", false);
            s.save();
            Path key = writeKey(s.dir, "source-key", s.leafKey, "pkcs8");
            Path chain = s.certs("chain.pem", s.pki.chain());
            // in place
            List<String> a = base(s, "mail");
            a.addAll(List.of("--key", key.getFileName().toString(), "--cert", chain.getFileName().toString(), "--dry-run"));
            FileState st = new FileState(s.target);
            Report rep = importJson(s.dir, a);
            ImportOracle.expect(rep.r.exit == 0, "--dry-run of a good import: " + rep.describe());
            ImportOracle.expect(Boolean.TRUE.equals(rep.json.get("dry_run")) && Boolean.FALSE.equals(rep.json.get("written")),
                    "dry_run/written: " + rep.json.get("dry_run") + "/" + rep.json.get("written"));
            ImportOracle.expect(ImportOracle.shas(s.pki.chain()).equals(rep.chainShas("new")), "\"new\" chain " + rep.chainShas("new"));
            st.unchanged("by --dry-run --in-place");
            // --out
            List<String> b = new ArrayList<>(List.of(s.target.getFileName().toString(), "--alias", "mail", "--out",
                    "written.p12", "--storepass-env", STOREPASS_VAR, "--key", key.getFileName().toString(), "--cert",
                    chain.getFileName().toString(), "--dry-run"));
            rep = importJson(s.dir, b);
            ImportOracle.expect(rep.r.exit == 0, "--dry-run --out: " + rep.describe());
            st.unchanged("by --dry-run --out");   // written.p12 not created either
            // a keystore that does not exist yet
            List<String> c = new ArrayList<>(List.of("new.jks", "--alias", "mail", "--in-place", "--type", "jks",
                    "--storepass-env", STOREPASS_VAR, "--key", key.getFileName().toString(), "--cert",
                    chain.getFileName().toString(), "--dry-run"));
            rep = importJson(s.dir, c);
            ImportOracle.expect(rep.r.exit == 0, "--dry-run into a new keystore: " + rep.describe());
            st.unchanged("by --dry-run into a new keystore");
            // a refused import with --dry-run: exit 1 as well
            List<String> d = base(s, "other-key");
            d.addAll(List.of("--key", key.getFileName().toString(), "--cert", chain.getFileName().toString(), "--dry-run"));
            Report r2 = refused(s, d, "ALIAS_EXISTS");
            ImportOracle.expect(Boolean.TRUE.equals(r2.json.get("dry_run")), "dry_run is " + r2.json.get("dry_run"));
        }

        /**
         * keytool installs a JKS reply carrying an unrelated self-signed root as
         * [leaf, issuing CA, unrelated root]; ksdoctor refuses it (the issuing CA's root is missing) or,
         * given the real root, writes the chain that verifies.
         */
        static void replyUnrelatedRoot(String name) throws Exception {
            Setup s = new Setup(name, true, "JKS", false);
            ImportOracle.Cert self = ImportOracle.build(s.pki.leafDn, s.leafKey, null, false, List.of(s.pki.host),
                    ImportOracle.NORMAL_FROM, ImportOracle.NORMAL_TO);
            s.ks.setKeyEntry("mail", s.leafKey.getPrivate(), STOREPASS.toCharArray(), new Certificate[] {self.x509});
            s.save();
            ImportOracle.Cert unrelated = ImportOracle.build("CN=" + name + " Unrelated Root" + O, s.keys.take(false), null,
                    true, null, ImportOracle.NORMAL_FROM, ImportOracle.NORMAL_TO);
            Path reply = writeReply(s.dir, List.of(s.pki.leaf, s.pki.ints.get(0), unrelated), "pem-multi");
            Path copy = s.dir.resolve("keytool-copy.jks");
            Files.copy(s.target, copy);
            Result r = run(s.dir, List.of(keytool, "-J-Duser.language=en", "-importcert", "-noprompt", "-alias", "mail",
                    "-file", reply.toString(), "-keystore", copy.toString(), "-storepass:env", STOREPASS_VAR), passEnv(), null);
            String keytoolSays = "keytool exit " + r.exit;
            if (r.exit == 0) {
                Certificate[] kc = ImportOracle.load(copy, "JKS", STOREPASS.toCharArray()).getCertificateChain("mail");
                keytoolSays += ", chain of " + kc.length + (ImportOracle.verifiesToRoot(kc) ? " that verifies" : " that does not verify");
            }
            System.out.println("     " + keytoolSays);
            Files.delete(copy);
            List<String> a = base(s, "mail");
            a.addAll(List.of("--cert-reply", reply.getFileName().toString()));
            FileState st = new FileState(s.target);
            Report rep = importJson(s.dir, a);
            ImportOracle.expect(rep.r.exit == 1 && !rep.errors().isEmpty(),
                    "a reply whose issuing CA has no root anywhere: expected exit 1 with an error, got " + rep.describe());
            st.unchanged("by a refused reply");
            // given the real root
            Map<String, ImportOracle.EntrySnap> snap = ImportOracle.snapshot(ImportOracle.load(s.target, "JKS",
                    STOREPASS.toCharArray()), STOREPASS.toCharArray());
            a.addAll(List.of("--from", s.certs("root.pem", List.of(s.pki.root)).getFileName().toString()));
            rep = importJson(s.dir, a);
            ImportOracle.expect(rep.r.exit == 0, "with --from the real root: " + rep.describe());
            KeyStore after = ImportOracle.checkStore(s.target, "JKS", STOREPASS.toCharArray(), "mail",
                    ImportOracle.shas(s.pki.chain()), s.leafKey.getPrivate(), snap, Set.of("mail"));
            List<String> sent = ImportOracle.handshake(after, STOREPASS.toCharArray(), s.pki.root.x509, true);
            ImportOracle.expect(sent.equals(ImportOracle.shas(s.pki.chain())), "the TLS server sent " + sent);
        }
    }

    // ---- the measured key-manager case ------------------------------------------------------------
    static final class KeyManagerCase {
        static void all() {
            runCase("k01-jks", n -> run(n, "JKS"));
            runCase("k02-pkcs12", n -> run(n, "PKCS12"));
        }

        static void run(String name, String type) throws Exception {
            Path dir = work.resolve(name);
            Files.createDirectories(dir);
            Keys keys = new Keys(new Random(7));
            String host = "mail.example.test", dn = "CN=" + host + O;
            // alpha-old: expired, same subject, RSA, its own old CA
            ImportOracle.Cert oldRoot = ImportOracle.build("CN=Old Root CA" + O, keys.take(false), null, true, null,
                    ImportOracle.NORMAL_FROM, ImportOracle.NORMAL_TO);
            ImportOracle.Cert oldLeaf = ImportOracle.build(dn, keys.take(true), oldRoot, false, List.of(host),
                    ImportOracle.EXPIRED_FROM, ImportOracle.EXPIRED_TO);
            KeyStore ks = emptyKs(type);
            ks.setKeyEntry("alpha-old", oldLeaf.key.getPrivate(), STOREPASS.toCharArray(), new Certificate[] {oldLeaf.x509, oldRoot.x509});
            ks.setCertificateEntry("old-root", oldRoot.x509);
            Path target = dir.resolve(type.equals("JKS") ? "prevent.ks" : "prevent.p12");
            storeKs(ks, target);

            KeyPair newKey = keys.take(true);
            Pki pki = Pki.make(keys, "Renewal", 1, false, newKey, dn, host, false);
            Path key = writeKey(dir, "renewed-key", newKey, "pkcs8");
            Path certs = dir.resolve("renewed-chain.pem");
            ImportOracle.write(certs, ImportOracle.pemCerts(pki.chain()));

            // What Java does with both entries (the store keytool would leave): SunX509 presents alpha-old.
            KeyStore both = ImportOracle.load(target, type, STOREPASS.toCharArray());
            both.setKeyEntry("zeta-new", newKey.getPrivate(), STOREPASS.toCharArray(), arr(pki.chain()));
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            both.store(bo, STOREPASS.toCharArray());
            KeyStore both2 = KeyStore.getInstance(type);
            both2.load(new ByteArrayInputStream(bo.toByteArray()), STOREPASS.toCharArray());
            String sun = ImportOracle.serverAlias(both2, STOREPASS.toCharArray(), "SunX509", "RSA");
            System.out.println("     Java with alpha-old and zeta-new: SunX509 presents " + sun);
            ImportOracle.expect("alpha-old".equals(sun), "the measured fact changed: SunX509 presents " + sun);

            List<String> common = List.of("--key", key.getFileName().toString(), "--cert", certs.getFileName().toString(),
                    "--in-place", "--storepass-env", STOREPASS_VAR);
            List<String> a = new ArrayList<>(List.of(target.getFileName().toString(), "--alias", "zeta-new"));
            a.addAll(common);
            FileState st = new FileState(target);
            Report rep = importJson(dir, a);
            ImportOracle.expect(rep.r.exit == 1 && rep.has("OLD_KEY_ENTRY_PRESENTED", "error"),
                    "zeta-new next to the expired alpha-old: expected exit 1 with OLD_KEY_ENTRY_PRESENTED, got " + rep.describe());
            st.unchanged("by the refused zeta-new");

            Map<String, ImportOracle.EntrySnap> snap = ImportOracle.snapshot(ImportOracle.load(target, type,
                    STOREPASS.toCharArray()), STOREPASS.toCharArray());
            List<String> b = new ArrayList<>(List.of(target.getFileName().toString(), "--alias", "alpha-old", "--replace"));
            b.addAll(common);
            rep = importJson(dir, b);
            ImportOracle.expect(rep.r.exit == 0, "--alias alpha-old --replace: " + rep.describe());
            List<String> old = rep.chainShas("old");
            ImportOracle.expect(old != null && old.get(0).equals(oldLeaf.sha()), "\"old\" is " + rep.json.get("old"));
            KeyStore after = ImportOracle.checkStore(target, type, STOREPASS.toCharArray(), "alpha-old",
                    ImportOracle.shas(pki.chain()), newKey.getPrivate(), snap, Set.of("alpha-old"));
            List<String> sent = ImportOracle.handshake(after, STOREPASS.toCharArray(), pki.root.x509, true);
            ImportOracle.expect(sent.equals(ImportOracle.shas(pki.chain())), "the TLS server sent " + sent
                    + ", not the renewed chain");
        }
    }
}
