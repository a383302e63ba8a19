// CoreNLPNer runs a Stanford CoreNLP CRF NER model (from the Maven Central jars) for
// comparing with wirewatch's rules; run with the JDK's source launcher (see run.sh):
//
//   java -cp JARS CoreNLPNer.java conll MODEL GOLD.conll > PRED.conll
//   java -cp JARS CoreNLPNer.java speed MODEL SECONDS FILE...
//
// conll feeds the model the gold file's tokens a sentence at a time and writes one
// "token<TAB>tag" line per token, the model's labels mapped to BIO PER/LOC/ORG/MISC (other
// labels O), for `wirewatch eval ner --pred PRED.conll GOLD.conll`. The models label tokens
// without B-/I- (IO): a run of one label is one name, as CoreNLP's own entity mentions read
// it. speed tokenises each text (PTBTokenizer), splits it into sentences and tags them, and
// reports articles per CPU second of the tagging thread after a warm-up.
import edu.stanford.nlp.ie.crf.CRFClassifier;
import edu.stanford.nlp.ling.CoreAnnotations;
import edu.stanford.nlp.ling.CoreLabel;
import edu.stanford.nlp.process.CoreLabelTokenFactory;
import edu.stanford.nlp.process.PTBTokenizer;
import edu.stanford.nlp.process.WordToSentenceProcessor;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

public class CoreNLPNer {
    public static void main(String[] args) throws Exception {
        if (args.length >= 3 && args[0].equals("conll")) {
            conll(CRFClassifier.getClassifier(args[1]), Path.of(args[2]));
        } else if (args.length >= 4 && args[0].equals("speed")) {
            speed(CRFClassifier.getClassifier(args[1]), Double.parseDouble(args[2]), args);
        } else {
            System.err.println("usage: conll MODEL GOLD.conll | speed MODEL SECONDS FILE...");
            System.exit(2);
        }
    }

    static String type(String label) {
        String l = label.startsWith("B-") || label.startsWith("I-") ? label.substring(2) : label;
        switch (l) {
            case "PERSON": case "PER": return "PER";
            case "LOCATION": case "LOC": return "LOC";
            case "ORGANIZATION": case "ORG": return "ORG";
            case "MISC": return "MISC";
            default: return null;
        }
    }

    static void conll(CRFClassifier<CoreLabel> crf, Path gold) throws Exception {
        PrintWriter out = new PrintWriter(System.out, false, StandardCharsets.UTF_8);
        List<String> sent = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(gold, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.trim().split("\\s+");
                if (line.contains("-DOCSTART-")) continue;
                if (line.isBlank()) {
                    tag(crf, sent, out);
                    continue;
                }
                sent.add(f.length == 3 ? f[1] : f[0]);
            }
        }
        tag(crf, sent, out);
        out.flush();
    }

    static void tag(CRFClassifier<CoreLabel> crf, List<String> words, PrintWriter out) {
        if (words.isEmpty()) return;
        List<CoreLabel> toks = new ArrayList<>();
        for (String w : words) {
            CoreLabel t = new CoreLabel();
            t.setWord(w);
            t.setValue(w);
            t.setOriginalText(w);
            toks.add(t);
        }
        List<CoreLabel> res = crf.classifySentence(toks);
        String prev = null;
        for (CoreLabel t : res) {
            String label = t.get(CoreAnnotations.AnswerAnnotation.class);
            String typ = type(label);
            String tag = "O";
            if (typ != null) {
                tag = (typ.equals(prev) && !label.startsWith("B-") ? "I-" : "B-") + typ;
            }
            out.println(t.word() + "\t" + tag);
            prev = typ;
        }
        out.println();
        words.clear();
    }

    static int tagText(CRFClassifier<CoreLabel> crf, String text) {
        List<CoreLabel> toks = new PTBTokenizer<>(new StringReader(text), new CoreLabelTokenFactory(), "").tokenize();
        int names = 0;
        for (List<CoreLabel> s : new WordToSentenceProcessor<CoreLabel>().process(toks)) {
            for (CoreLabel t : crf.classifySentence(s)) {
                if (type(t.get(CoreAnnotations.AnswerAnnotation.class)) != null) names++;
            }
        }
        return names;
    }

    static void speed(CRFClassifier<CoreLabel> crf, double seconds, String[] args) throws Exception {
        List<String> texts = new ArrayList<>();
        long bytes = 0;
        for (int i = 3; i < args.length; i++) {
            String s = Files.readString(Path.of(args[i]));
            texts.add(s);
            bytes += s.getBytes(StandardCharsets.UTF_8).length;
        }
        var mx = ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 3; round++) { // the first round warms the JIT up
            long cpu0 = mx.getCurrentThreadCpuTime();
            int n = 0;
            while (mx.getCurrentThreadCpuTime() - cpu0 < seconds * 1e9) {
                for (String t : texts) {
                    tagText(crf, t);
                    n++;
                }
            }
            double cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
            System.gc();
            Runtime rt = Runtime.getRuntime();
            System.out.printf("%s %d: %d articles of %d bytes on average in %.2f CPU s: %.1f articles per CPU second; heap in use %d MB%n",
                    round == 0 ? "warm-up" : "round", round, n, bytes / texts.size(), cpu, n / cpu, (rt.totalMemory() - rt.freeMemory()) >> 20);
        }
    }
}
