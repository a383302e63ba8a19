package lang

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wirewatch/internal/article"
	"wirewatch/internal/process/processtest"
)

func TestWordVote(t *testing.T) {
	d := sharedDetector(t)
	cases := []struct{ name, text, want string }{
		{"English", "Tensions between Armenia and Azerbaijan have escalated in recent weeks over the blockade of the only road that links the region to the outside world.", "en"},
		{"French", "Les tensions se sont exacerbées ces dernières semaines entre l'Arménie et l'Azerbaïdjan en raison du blocage de la seule route qui relie la région au reste du monde.", "fr"},
		{"German", "Die Spannungen zwischen Armenien und Aserbaidschan haben sich in den letzten Wochen wegen der Blockade der einzigen Straße verschärft.", "de"},
		{"Russian by its letters", "Лавров: Армения заблокировала миссию ОДКБ из-за осуждения Азербайджана. В последние недели напряжённость между странами выросла.", "ru"},
		{"Ukrainian by its letters", "Лавров заявив, що Вірменія заблокувала місію ОДКБ через засудження Азербайджану, і напруженість між країнами зросла.", "uk"},
		{"Azerbaijani by its letters", "Rusiyanın xarici işlər naziri Sergey Lavrov bildirib ki, Moskva Ermənistan ilə Azərbaycan sərhədinə missiya göndərməyə hazırdır.", "az"},
		{"too short", "The road is blocked.", ""},
		{"English title, Spanish body", "Lavrov says the mission is ready for the border. El ministro dijo que la misión está lista para la frontera y que los observadores", ""},
		{"Italian: ò is no French letter", "Il ministro ha detto che la missione è pronta e che però il governo non può inviare gli osservatori alla frontiera.", ""},
		{"Russian and Ukrainian letters", "Лавров заявил, що місія готова. Министр сказал, что наблюдатели будут направлены в регион после переговоров.", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sample, _ := d.cut(tc.text)
			sc, _ := dominantScript(sample)
			v := d.votes[sc]
			if v == nil {
				t.Fatalf("no vote for script %d", sc)
			}
			got := ""
			if i := v.decide(v.count(sample)); i >= 0 {
				got = v.codes[i]
			}
			if got != tc.want {
				t.Errorf("vote = %q, want %q (%+v)", got, tc.want, v.count(sample))
			}
		})
	}
}

// TestWordVoteAgreesWithLingua holds the vote to its contract on the shared sentences joined
// into article-like samples (a title and the start of a body): wherever it answers, lingua
// alone names the same language, or lingua is wrong and the vote right.
func TestWordVoteAgreesWithLingua(t *testing.T) {
	vote, alone := *sharedDetector(t), *sharedDetector(t)
	alone.linguaOnly = true
	files, err := filepath.Glob(filepath.Join(processtest.SharedPath(t, "corpora/langid/sentences"), "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no sentence files: %v", err)
	}
	answered, samples := 0, 0
	for _, f := range files {
		lang := strings.TrimSuffix(filepath.Base(f), ".txt")
		lines := readLines(t, f)
		for i := 0; i+1 < len(lines); i++ {
			a := &article.Article{Title: lines[i], Text: strings.Join(lines[i+1:min(i+6, len(lines))], " ")}
			s := articleSample(a, vote.sample)
			sample, _ := vote.cut(s)
			samples++
			long := func() string { return articleSample(a, vote.voteSample) }
			if sc, share := dominantScript(sample); share < 0.9 || vote.votes[sc] == nil || vote.decide(vote.votes[sc], sample, sc, long) < 0 {
				continue
			}
			answered++
			got, _ := vote.DetectArticle(a)
			want, _ := alone.DetectArticle(a)
			if got != want && (got != lang || want == lang) {
				t.Errorf("%s: vote says %s, lingua %s: %q", lang, got, want, sample)
			}
		}
	}
	t.Logf("the vote answered %d of %d samples", answered, samples)
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			out = append(out, l)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestVoteReadsPastLinguasSample checks that the vote reads up to voteSample bytes of a text
// in one script, and only lingua's sample of a text that turns to another script after it.
func TestVoteReadsPastLinguasSample(t *testing.T) {
	d := sharedDetector(t)
	latin := strings.Repeat("Le blocus de la route est entré dans sa sixième semaine. ", 40)
	cyrillic := strings.Repeat("Блокада дороги продолжается шестую неделю. ", 40)
	cases := []struct {
		name, text string
		long       bool // the vote reads past lingua's sample
	}{
		{"one script", latin, true},
		{"shorter than lingua's sample", latin[:150], false},
		{"another script after the sample", latin[:300] + cyrillic, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sample, _ := d.cut(tc.text)
			sc, _ := dominantScript(sample)
			got := d.voteText(tc.text, sample, sc)
			if !strings.HasPrefix(tc.text, got) {
				t.Fatalf("vote text %q is not a prefix of the text", got)
			}
			if !tc.long {
				if got != sample {
					t.Errorf("vote text is %d bytes, want lingua's sample (%d)", len(got), len(sample))
				}
				return
			}
			want, _ := cutAt(tc.text, d.voteSample)
			if got != want || len(got) < d.voteSample {
				t.Errorf("vote text is %d bytes, want the %d of cutAt(%d)", len(got), len(want), d.voteSample)
			}
		})
	}
}

// TestVoteDecidesArticleOnLongerText: an article whose first 200 bytes hold too few
// function words only French uses (French shares de, la, le, que with Spanish) is decided
// by the vote on the longer text, as lingua decides it alone.
func TestVoteDecidesArticleOnLongerText(t *testing.T) {
	d := sharedDetector(t)
	alone := *d
	alone.linguaOnly = true
	a := &article.Article{
		Title: "Le corridor de Latchine reste fermé malgré les appels de l'Union européenne",
		Text: "À Bruxelles, des diplomates européens ont rappelé que la mission civile de l'Union européenne le long de la frontière arménienne devait être renforcée au printemps. " +
			"Le Comité international de la Croix-Rouge indique que ses convois ont pu évacuer des malades vers Erevan, mais que les livraisons de nourriture et de carburant restent très insuffisantes. " +
			"Les habitants de Stepanakert font la queue devant les boulangeries, et les écoles ont fermé faute de chauffage, racontent des journalistes locaux joints par téléphone. " +
			"Bakou affirme de son côté que la route est ouverte aux civils et accuse les autorités arméniennes d'exploiter la situation pour transporter des armes et des minerais.",
	}
	s := articleSample(a, d.voteSample)
	sample, _ := d.cut(s)
	sc, _ := dominantScript(sample)
	v := d.votes[sc]
	if v.decide(v.count(sample)) >= 0 {
		t.Fatalf("the vote decides lingua's sample alone; the case no longer tests the longer text")
	}
	if i := d.decide(v, sample, sc, func() string { return s }); i < 0 || v.codes[i] != "fr" {
		t.Fatalf("vote on the longer text = %d, want fr", i)
	}
	got, _ := d.DetectArticle(a)
	want, _ := alone.DetectArticle(a)
	if got != "fr" || want != "fr" {
		t.Errorf("DetectArticle = %s, lingua alone %s; want fr", got, want)
	}
}
