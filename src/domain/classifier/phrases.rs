//! Purpose: every phrase the classifier knows, in one place, grouped by role and language.
//!
//! Phrases are written naturally; they pass through the same tokenizer and normalisation as
//! messages, so case, accents, apostrophes and spacing of Han/kana/Hangul do not matter here.
//! A message is a ping only when these phrases cover *all* its words, so a list entry can never
//! turn a message with a subject into a ping: adding a phrase only adds recall. Keep entries
//! free of subjects ("a call about X" does not belong here).
//!
//! A trailing `?` marks a phrase too ambiguous to count on its own unless the message asks
//! ("free?", "sync?") or an asking frame precedes it ("are you free").

/// Greetings, including "how are you"-style openers.
#[rustfmt::skip]
pub(super) const GREETINGS: &[&str] = &[
    // English
    "hi", "hey", "hello", "hiya", "heya", "heyo", "howdy", "yo", "hey hey", "hi hi", "hello hello",
    "hi there", "hey there", "hello there", "hey you", "sup", "wassup", "whassup", "what's up",
    "whats up", "wazzup", "good morning", "morning", "mornin", "gm", "good afternoon", "afternoon",
    "good evening", "evening", "good day", "g'day", "g'morning", "g morning", "gmorning", "greetings", "ahoy", "hola", "how are you",
    "how are ya", "how r u", "how are u", "how's it going", "how is it going", "how are things",
    "how you doing", "how are you doing", "hope you're well", "hope you are well",
    "hope you're doing well", "hope all is well", "top of the morning", "how are you today",
    "how are you doing today", "how's your day", "how's your day going", "how is your day going",
    "how's your week going", "how's everyone", "how's everyone doing", "how are we",
    "hope you're having a good day", "hope you're having a great day",
    // Spanish
    "hola", "buenas", "buenos días", "buen día", "buenas tardes", "buenas noches", "qué tal",
    "que tal", "cómo estás", "cómo están", "qué onda", "saludos", "holi", "buenas buenas",
    "oye", "oiga",
    "holis", "qué pasa", "cómo vas", "cómo va", "cómo andas", "qué hay", "qué tal todo", "cómo va todo",
    "todo bien?", "qué tal va todo",
    // Portuguese
    "olá", "oi", "oie", "opa", "bom dia", "boa tarde", "boa noite", "e aí", "eae", "eai",
    "tudo bem", "tudo bom", "td bem", "tudo certo", "beleza", "blz", "salve", "como vai", "fala",
    "fala aí", "ei", "como você está", "como vc tá", "tudo joia?",
    // French
    "bonjour", "salut", "bonsoir", "coucou", "bjr", "slt", "ça va", "comment ça va",
    "comment allez-vous", "allô", "re", "rebonjour", "hello à tous", "vous allez bien?",
    "tu vas bien?", "ça va bien?", "comment vas-tu", "comment tu vas", "salut salut",
    // German
    "hallo", "moin", "moin moin", "moinsen", "servus", "grüß gott", "grüezi", "grüss dich",
    "guten morgen", "morgen", "guten tag", "tag", "guten abend", "hallöchen", "huhu", "tach",
    "na du", "wie geht's", "wie gehts", "mahlzeit", "hi zusammen", "hallo zusammen", "alles gut?",
    "wie geht es dir", "wie geht es ihnen", "guten mittag",
    // Italian
    "ciao", "salve", "buongiorno", "buon giorno", "buonasera", "buon pomeriggio", "ehi", "ehilà",
    "come va", "come stai", "tutto bene", "ciao ciao", "come state", "buondì", "tutto ok?",
    // Dutch
    "hoi", "hallo", "hee", "hey hoi", "goedemorgen", "goedemiddag", "goedenavond", "dag",
    "goeiemorgen", "hoe gaat het", "alles goed", "hai", "hoe is het", "hallo hallo",
    // Swedish, Danish, Norwegian
    "hej", "hei", "hejsan", "hejhej", "hej hej", "hei hei", "hallå", "halløj", "tjena", "tja",
    "tjenare",
    "heisann", "heia", "hallaisen", "god morgon", "godmorgon", "god morgen", "godmorgen", "goddag", "god dag", "morn",
    "morna", "hur mår du", "hvordan går det", "läget", "hur är läget", "hvordan har du det",
    "hallo", "hejsa", "god eftermiddag", "god kväll", "god aften", "god kveld",
    // Polish
    "cześć", "hej", "hejka", "siema", "siemka", "siemano", "witam", "witaj", "witajcie",
    "dzień dobry", "dobry wieczór", "elo", "co słychać", "jak się masz", "co tam", "jak tam",
    "co u ciebie", "witam serdecznie", "hejo",
    // Russian
    "привет", "приветик", "приветствую", "здравствуйте", "здравствуй", "здрасьте", "доброе утро",
    "добрый день", "добрый вечер",
    "здрасте", "здаров", "прив", "приветики", "хелло", "доброго утра", "доброго дня", "здарова", "хай", "салют", "ку",
    "как дела", "как ты", "как ваши дела", "как вы", "всем привет", "привет всем",
    // Ukrainian
    "привіт", "вітаю", "добрий день", "доброго дня", "доброго ранку", "добрий ранок",
    "добрий вечір", "доброго вечора", "здоровенькі були", "як справи", "хай", "як ти", "як ви",
    "усім привіт", "всім привіт",
    "привітик", "вітання",
    // Turkish
    "merhaba", "merhabalar", "selam", "selamlar", "günaydın", "iyi günler", "iyi akşamlar", "naber",
    "nasılsın", "nasılsınız", "slm", "mrb", "selamün aleyküm", "hayırlı sabahlar", "ne haber",
    "naber nasılsın", "kolay gelsin", "iyi sabahlar",
    // Hindi (romanised and Devanagari)
    "namaste", "namaskar", "namaskaar", "namastey", "kya haal hai", "kya hal hai", "kya haal",
    "kaise ho", "kaise hain", "kaisa hai", "kaisi ho", "kya chal raha hai", "ram ram", "salaam",
    "adaab", "sat sri akal", "suprabhat", "shubh prabhat", "नमस्ते", "नमस्कार", "प्रणाम",
    "kya haal chaal", "kaise hai", "kaise hain aap", "kaise ho aap", "kya haal hain", "namaskar ji",
    "kaisa chal raha hai",
    // Japanese
    "おはよう", "おはようございます", "こんにちは", "こんばんは", "もしもし", "やあ", "どうも", "お疲れ様です", "お疲れさまです", "おつかれさまです",
    "お疲れ様", "お疲れさま", "おつかれ", "お疲れ", "ハロー", "おっす", "ども", "お世話になっております",
    "お世話になります", "お元気ですか", "元気?", "こんにちわ",
    // Chinese
    "你好", "您好", "你们好", "大家好", "早上好", "早安", "早", "上午好", "中午好", "下午好", "晚上好", "嗨", "哈喽", "哈囉", "哈罗",
    "喂", "在么", "你好啊", "早啊", "老师好", "各位好", "最近怎么样", "最近好吗", "吃了吗",
    // Korean
    "안녕하세요", "안녕", "안녕하십니까", "좋은 아침", "좋은 아침입니다", "좋은 아침이에요", "하이", "반가워요", "반갑습니다", "수고하세요",
    "수고하십니다", "안녕하세요 여러분", "좋은 아침", "좋은 오후예요", "잘 지내요?", "잘 지내세요?", "잘 지냈어요?",
    // Others seen in multilingual teams
    "ahoj", "čau", "nazdar", "dobrý den", "szia", "sziasztok", "terve", "moi", "moikka",
    "hyvää huomenta", "bună", "buna ziua", "γεια", "γεια σου", "καλημέρα", "shalom", "salam",
    "marhaba", "xin chào", "chào", "halo", "hai semua", "selamat pagi", "สวัสดี", "สวัสดีครับ",
    "สวัสดีค่ะ", "kamusta", "zdravo", "bok",
];

/// Attention and availability phrases: asking for someone's time without saying what for.
#[rustfmt::skip]
pub(super) const AVAILABILITY: &[&str] = &[
    // English: time
    "got a sec", "got a second", "got a minute", "got a min", "got a moment", "got a mo",
    "got a few", "got a few minutes", "got a few mins", "got a minute or two", "got time",
    "got some time", "got a bit of time", "have a sec", "have a second", "have a minute",
    "have a min", "have a moment", "have a few minutes", "have time", "have some time",
    "do you have a sec", "do you have a second", "do you have a minute", "do you have a moment",
    "do you have time", "do you have a few minutes", "have you got a minute", "have you got a sec",
    "you got a sec", "you got a minute", "u got a sec", "got a sec for me", "a sec?", "a minute?",
    "a moment?", "sec?", "minute?", "a moment of your time", "spare a minute", "spare a moment",
    "can you spare a minute", "can you spare a sec", "one minute of your time",
    // English: presence
    "there?", "here?", "around?", "free?", "busy?", "available?", "online?", "awake?",
    "still there?", "still around?", "at your desk?", "free now?", "around now?", "free right now?",
    "anyone?", "anybody?", "someone?", "somebody?", "anyone around", "anybody around",
    "anyone here", "anybody here", "anyone there", "anybody there", "anyone online", "anyone free",
    "anyone available", "someone around", "who's around", "who is around", "who's online",
    "anyone awake",
    // English: questions without their question
    "quick question", "quick q", "quick qn", "quick ques", "question", "a question", "one question",
    "small question", "little question", "question for you", "q for you", "question for ya",
    "quick question for you", "i have a question", "i have a quick question", "i've got a question",
    "ive got a question", "got a question", "have a question", "i got a question",
    "i have a small question", "can i ask you something", "can i ask you a question",
    "can i ask you a quick question", "can i ask something", "can i ask a question",
    "can i ask a quick question", "may i ask you something", "may i ask a question", "can i ask",
    "may i ask", "could i ask you something", "i need to ask you something",
    "mind if i ask", "mind if i ask you something",
    "mind if i ask you a question", "mind if i ask a question", "do you mind if i ask",
    "do you mind if i ask you something", "is it ok if i ask you something", "you up?", "are you up?",
    "i have something to ask", "something to ask you",
    // English: interruption and help
    "can i bother you", "can i bother you for a sec", "can i bother you for a second",
    "sorry to bother you", "sorry to bother", "sorry to interrupt", "can i interrupt",
    "can i borrow you", "can i steal you", "steal you for a sec", "can i grab you",
    "can i grab a minute", "can i get a minute", "can i get a sec", "can i have a minute",
    "can i pick your brain", "pick your brain", "need a hand", "i need a hand", "need help",
    "i need help", "need your help", "i need your help", "need some help", "help", "help me",
    "help please", "can you help", "can you help me", "could you help", "could you help me",
    "can someone help", "can anyone help", "can somebody help", "anyone can help", "i need you",
    "need you", "sos", "urgent", "very urgent", "it's urgent", "its urgent", "urgent please",
    "asap", "it's important", "important?", "ping", "pinging", "pinging you", "just pinging",
    "ping ping", "bump", "sorry to bug you", "sorry to disturb", "sorry to disturb you",
    "sorry to ping you", "sorry for the ping", "quick one", "quick one for you", "a quick one",
    "need a favour", "need a favor", "i need a favour", "i need a favor", "a favour?", "a favor?",
    "can you do me a favour", "can you do me a favor", "can i ask a favour", "can i ask a favor",
    "can i ask you a favour", "can i ask you a favor", "favour?", "favor?", "this is urgent",
    "help me out", "can you help me out", "could you help me out", "can someone help me",
    "can anyone help me", "could someone help me", "can somebody help me", "could anyone help me",
    "anyone able to help", "can i have a word", "a word?", "about?",
    "one quick question", "i have a question for you", "got a question for you",
    "anyone online?", "is anyone online", "is anyone around",
    "is anyone there", "is anybody around", "help needed", "i need some help", "need a little help",
    "can anyone help out", "can someone help out", "who can help", "anyone who can help",
    // Spanish
    "tienes un minuto", "tienes un momento", "tienes un segundo", "tienes un rato", "tienes tiempo",
    "tienes un minutito", "tiene un minuto", "tiene un momento", "tenés un minuto",
    "tenés un momento", "un minuto?", "un momento?", "un segundo?", "estás ahí", "estás?",
    "estás por ahí", "estás disponible", "estás libre", "estás ocupado", "estás ocupada",
    "está disponible", "alguien por ahí", "hay alguien", "alguien?", "una pregunta",
    "pregunta rápida", "una preguntita", "tengo una pregunta", "tengo una duda", "una duda",
    "duda rápida", "te puedo preguntar algo", "puedo preguntarte algo",
    "puedo hacerte una pregunta", "te hago una pregunta", "me ayudas", "me puedes ayudar",
    "puedes ayudarme", "necesito ayuda", "ayuda?", "necesito tu ayuda", "urgente", "es urgente",
    "te molesto un momento", "te puedo molestar", "estás por aquí", "alguien por aquí",
    "te puedo hacer una pregunta", "te hago una consulta", "una consulta", "una consultita",
    "consulta rápida", "tengo una consulta", "te puedo consultar algo", "puedo consultarte algo",
    "disponible?", "disponibles?", "libre?", "conectado?", "conectada?", "alguien disponible",
    "alguien libre", "alguien conectado", "un minutito?", "un momentito?", "un segundito?",
    "un rato?", "cinco minutos?", "dos minutos?", "me das una mano", "me echas un cable", "me ayudas aquí",
    "tienes cinco minutos", "tienes dos minutos", "estás ahí?", "sigues ahí", "sigues por ahí",
    "unos minutos?", "unos minutitos?", "un ratito?", "un minuto?", "un segundo?", "un min?",
    "um min?", "hay alguien por ahí", "hay alguien ahí", "hay alguien conectado", "hay alguien disponible",
    "alguien me puede ayudar", "alguien puede ayudarme", "alguien me ayuda", "me puede ayudar alguien",
    "alguien me echa una mano", "puede alguien ayudarme", "me puedes ayudar un momento",
    // Portuguese
    "tem um minuto", "tem um minutinho", "tem um segundo", "tem um tempinho", "tem um momento",
    "tem tempo", "você tem um minuto", "vc tem um minuto", "um minutinho", "tá aí", "ta ai",
    "está aí", "você está aí", "vc ta ai", "vc tá aí", "tá por aí", "tá livre", "está livre",
    "tá disponível", "está disponível", "tá ocupado", "alguém aí", "alguém?", "tem alguém aí",
    "uma pergunta", "pergunta rápida", "uma dúvida", "dúvida rápida", "tenho uma dúvida",
    "tenho uma pergunta", "posso te perguntar uma coisa", "posso perguntar uma coisa",
    "posso fazer uma pergunta", "pode me ajudar", "me ajuda", "preciso de ajuda",
    "preciso da sua ajuda", "ajuda?", "socorro", "é urgente", "posso te incomodar",
    "posso te fazer uma pergunta", "posso fazer uma pergunta", "posso te perguntar uma coisa",
    "posso perguntar uma coisa", "tem cinco minutos", "tem dois minutos", "um minuto?",
    "um minutinho?", "um segundo?", "um segundinho?", "disponível?", "online?", "tá online",
    "está online", "alguém online", "alguém disponível", "me dá uma ajuda", "me dá uma força",
    "uma ajudinha", "me ajuda aqui", "tá por aqui", "uns minutos?", "uns minutinhos?",
    "um tempinho?", "um tempo?", "alguém pode ajudar", "alguém pode me ajudar", "alguém me ajuda",
    "alguém consegue me ajudar", "alguém ajuda", "consegue me ajudar", "pode me dar uma ajuda", "está por aqui", "alguém por aqui",
    // French
    "t'as une minute", "tu as une minute", "as-tu une minute", "vous avez une minute",
    "avez-vous une minute", "t'as deux minutes", "tu as deux minutes", "t'as un moment",
    "tu as un moment", "t'as un instant", "tu as un instant", "vous avez un moment", "une minute?",
    "un instant?", "tu es là", "t'es là", "vous êtes là", "es-tu là", "êtes-vous là", "tu es dispo",
    "t'es dispo", "dispo?", "vous êtes dispo", "tu es disponible", "vous êtes disponible",
    "t'es libre", "tu es libre", "quelqu'un?", "quelqu'un est là", "il y a quelqu'un",
    "y a quelqu'un", "quelqu'un de dispo", "une question", "petite question", "question rapide",
    "j'ai une question", "j'ai une petite question", "je peux te poser une question",
    "je peux te demander un truc", "je peux vous poser une question", "j'ai besoin d'aide",
    "j'ai besoin de ton aide", "j'ai besoin de votre aide", "besoin de ton aide",
    "besoin de toi", "j'ai besoin de toi", "j'ai besoin de vous",
    "besoin d'aide", "tu peux m'aider", "vous pouvez m'aider", "de l'aide", "à l'aide", "urgent",
    "c'est urgent", "je peux te déranger", "je te dérange", "deux minutes?", "cinq minutes?",
    "une seconde?", "deux secondes?", "un moment?", "une petite minute?", "disponible?",
    "libre?", "là?", "t'es là?", "quelqu'un de dispo?", "quelqu'un est dispo",
    "quelqu'un de disponible", "tu aurais une minute", "je peux te demander quelque chose",
    "je peux vous demander quelque chose", "je peux te poser une petite question",
    "tu peux me donner un coup de main", "un coup de main?", "quelques minutes?",
    "quelqu'un pour m'aider", "quelqu'un peut m'aider", "quelqu'un pourrait m'aider", "qui peut m'aider",
    "quelqu'un pour aider", "tu pourrais m'aider", "vous pourriez m'aider", "je te dérange?",
    // German
    "hast du kurz zeit", "hast du zeit", "hast du eine minute", "hast du mal eine minute",
    "hast du ne minute", "hast du 'ne minute", "hast du mal kurz", "hast du kurz",
    "hast du einen moment", "hast du mal zeit", "haben sie kurz zeit", "haben sie eine minute",
    "haben sie einen moment", "kurz zeit", "eine minute?", "einen moment?", "bist du da",
    "bist du frei", "bist du verfügbar", "bist du erreichbar", "sind sie da", "jemand da",
    "ist jemand da", "jemand online", "kurze frage", "eine frage", "ich habe eine frage",
    "ich hab eine frage", "ich hab ne frage", "frage?", "darf ich dich was fragen",
    "kann ich dich was fragen", "kann ich kurz was fragen", "darf ich kurz stören",
    "kann ich kurz stören", "kurz stören", "brauche hilfe", "ich brauche hilfe", "kannst du helfen",
    "kannst du mir helfen", "hilfe?", "dringend", "es ist dringend", "eilig", "eine sekunde?",
    "einen augenblick?", "zwei minuten?", "fünf minuten?", "'ne minute?", "ne minute?",
    "hättest du kurz zeit", "hätten sie kurz zeit", "hast du gerade eine minute", "online?",
    "verfügbar?", "erreichbar?", "da?", "frage an dich", "eine frage an dich", "kurze frage an dich",
    "ich hätte da eine frage", "kann ich dich kurz was fragen", "darf ich kurz was fragen",
    "kannst du kurz helfen", "könntest du mir helfen", "könntest du kurz helfen", "ein paar minuten?",
    "paar minuten?", "kann mir jemand helfen", "kann jemand helfen", "wer kann helfen",
    "wer kann mir helfen", "kannst du helfen", "kann ich dich stören", "darf ich dich stören",
    "störe ich", "störe ich gerade", "ich bräuchte deine hilfe", "bräuchte hilfe", "ich bräuchte hilfe",
    "ich brauche deine hilfe", "brauche deine hilfe", "brauche kurz hilfe",
    // Italian
    "hai un minuto", "hai un attimo", "hai un secondo", "hai un momento", "hai tempo",
    "hai due minuti", "ha un minuto", "ha un attimo", "un attimo?", "ci sei", "sei lì", "sei li",
    "sei libero", "sei libera", "sei disponibile", "c'è qualcuno", "qualcuno?", "una domanda",
    "domanda veloce", "domandina", "ho una domanda", "posso farti una domanda",
    "posso chiederti una cosa",
    "ho bisogno di aiuto", "ho bisogno del tuo aiuto", "ho bisogno di te",
    "mi serve aiuto", "mi serve una mano", "mi serve il tuo aiuto", "mi aiuti", "puoi aiutarmi", "mi puoi aiutare", "aiuto?", "urgente",
    "è urgente", "posso disturbarti", "un minuto?", "un secondo?", "un momento?", "cinque minuti?",
    "due minuti?", "disponibile?", "libero?", "libera?", "online?", "mi dai una mano",
    "mi puoi dare una mano", "puoi darmi una mano", "dammi una mano", "una mano?",
    "ti posso fare una domanda", "posso farti una domanda veloce", "hai un attimo per me",
    "qualche minuto?", "un paio di minuti?", "qualcuno può aiutarmi", "qualcuno mi può aiutare",
    "qualcuno mi aiuta", "chi mi aiuta", "chi può aiutarmi", "mi aiuti", "mi aiuti?",
    // Dutch
    "heb je even", "heb je even tijd", "heb je een minuutje", "heb je een momentje", "heb je tijd",
    "heb je een minuut", "heeft u even", "heeft u even tijd", "even tijd", "ben je daar",
    "ben je er", "ben je beschikbaar", "ben je vrij", "ben je online", "is er iemand", "iemand?",
    "snelle vraag", "korte vraag", "een vraag", "vraagje", "ik heb een vraag",
    "mag ik je iets vragen", "kan ik je iets vragen", "kun je helpen", "kun je me helpen",
    "kan je me helpen", "hulp nodig", "ik heb hulp nodig",
    "ik heb je hulp nodig", "ik heb jouw hulp nodig", "ik heb uw hulp nodig", "hulp?", "dringend",
    "mag ik even storen", "even?", "een minuutje?", "een momentje?", "een minuut?",
    "vijf minuten?", "twee minuten?", "beschikbaar?", "online?", "mag ik je wat vragen",
    "kun je even helpen", "kan je even helpen", "ben je er even", "iemand online",
    "een paar minuten?", "iemand die kan helpen", "kan iemand helpen", "kan iemand me helpen",
    "wie kan helpen", "wie kan me helpen", "stoor ik", "stoor ik even",
    // Swedish, Danish, Norwegian
    "har du en sekund", "har du en minut", "har du ett ögonblick", "har du tid", "har du lite tid",
    "har du en stund", "har du et øyeblikk", "har du et minutt", "har du et øjeblik",
    "har du lige et øjeblik", "har du lige tid", "har du tid nå", "är du där", "är du ledig",
    "er du der", "er du ledig", "er du tilgjengelig", "snabb fråga", "en fråga", "kort fråga",
    "kort spørsmål", "et spørsmål", "et spørgsmål", "hurtigt spørgsmål", "raskt spørsmål",
    "kan jag fråga en sak", "kan jeg spørre om noe", "kan jeg spørge om noget",
    "kan jeg spørre deg om noe", "kan jeg spørge dig om noget",
    "kan jag fråga dig en sak", "kan jag fråga dig något", "kan jag fråga något", "får jeg spørre deg om noe",
    "jeg trenger din hjelp", "jag behöver din hjälp", "jeg har brug for din hjælp", "behöver hjälp",
    "jeg har et spørgsmål", "jeg har et spørsmål", "jag har en fråga",
    "jag behöver hjälp", "trenger hjelp", "jeg trenger hjelp", "har brug for hjælp", "hjälp",
    "hjelp", "hjælp", "brådskande", "det brådskar", "haster", "det haster", "akut", "en sekund?",
    "ett ögonblick?", "en minut?", "ett par minuter?", "et sekund?", "et minut?", "et minutt?",
    "et øjeblik?", "et øyeblikk?", "fem minuter?", "fem minutter?",
    "to minutter?", "en stund?", "tid en stund", "ledig?", "där?", "der?", "online?",
    "kan du hjälpa mig", "kan du hjælpe mig", "kan du hjelpe meg", "kan du hjälpa till",
    "några minuter?", "et par minutter?", "noen minutter?", "kan någon hjälpa mig",
    "kan någon hjälpa till", "kan nogen hjælpe", "kan nogen hjælpe mig", "kan noen hjelpe",
    "kan noen hjelpe meg", "stör jag", "forstyrrer jeg",
    // Polish
    "masz chwilę", "masz chwilkę", "masz minutę", "masz moment", "masz czas", "masz sekundę",
    "ma pan chwilę", "ma pani chwilę", "jesteś?", "jesteś tam", "jesteś dostępny",
    "jesteś dostępna", "jesteś wolny", "jesteś wolna", "jest ktoś", "ktoś?", "szybkie pytanie",
    "krótkie pytanie", "mam pytanie", "pytanie?", "pytanko", "mogę o coś zapytać",
    "mogę zadać pytanie", "możesz pomóc", "możesz mi pomóc", "potrzebuję pomocy",
    "potrzebuję twojej pomocy", "pomocy",
    "pomoc?", "pilne", "to pilne", "pilnie", "chwilę?", "chwilkę?", "chwileczkę?", "minutkę?",
    "minutę?", "sekundkę?", "sekundę?", "pięć minut?", "dwie minuty?",
    "masz minutkę", "dostępny?", "dostępna?", "wolny?", "wolna?", "online?", "pomożesz",
    "pomożesz mi", "pomóż mi", "pomóżcie", "mogę zadać ci pytanie", "mogę ci zadać pytanie",
    "mogę cię o coś zapytać", "mogę o coś spytać", "mam pytanie do ciebie", "kilka minut?",
    "ktoś może pomóc", "może ktoś pomóc", "czy ktoś może pomóc", "kto może pomóc", "ktoś pomoże",
    "przeszkadzam", "nie przeszkadzam",
    // Russian
    "есть минутка", "есть минута", "есть секунда", "есть секундочка", "есть время",
    "есть пара минут", "у тебя есть минутка", "у вас есть минутка", "у тебя есть время", "ты тут",
    "ты здесь", "ты на месте", "вы тут", "вы здесь", "вы на месте", "ты свободен", "ты свободна",
    "вы свободны", "свободен", "свободна", "ты занят", "ты занята", "есть кто", "есть кто-нибудь",
    "кто-нибудь?", "кто-нибудь тут", "вопрос?", "есть вопрос", "быстрый вопрос", "короткий вопрос",
    "маленький вопрос", "у меня вопрос", "можно вопрос", "можно спросить", "можно тебя спросить",
    "можно вас спросить", "нужна помощь", "нужна твоя помощь", "помоги", "помогите", "поможешь",
    "можешь помочь", "срочно", "это срочно", "на минутку", "можно тебя на минутку", "можно отвлечь",
    "можно тебя отвлечь", "можно вас отвлечь", "на секунду", "на секундочку", "на пару минут",
    "минутку?", "минутка?", "минуту?", "секунду?", "секундочку?", "пять минут?", "пару минут?",
    "есть пять минут", "есть пару минут", "есть две минуты", "есть вопрос к тебе",
    "вопрос к тебе", "вопрос к вам", "у меня вопрос к тебе", "здесь?", "тут?", "на месте?",
    "онлайн?", "свободен?", "свободна?", "поможешь мне", "можешь мне помочь", "помоги мне",
    "можно тебя на секунду", "несколько минут?", "кто-нибудь может помочь", "может кто-нибудь помочь",
    "кто может помочь", "помогите кто-нибудь", "не отвлекаю", "я не отвлекаю",
    // Ukrainian
    "є хвилинка", "є хвилина", "є секунда", "є час", "маєш хвилинку", "маєш хвилину", "маєш час",
    "ти тут", "ти на місці", "ви тут", "ти вільний", "ти вільна", "ви вільні", "є хто", "є хтось",
    "хтось тут", "хтось?", "питання?", "є питання", "швидке питання", "коротке питання",
    "маю питання", "можна питання", "можна запитати", "можна спитати", "потрібна допомога",
    "допоможи", "допоможіть", "можеш допомогти", "терміново", "це терміново", "можна відволікти",
    "можна тебе відволікти", "хвилинку?", "хвилину?", "секунду?", "п'ять хвилин?", "пару хвилин?",
    "є п'ять хвилин", "є пара хвилин", "питання до тебе", "є питання до тебе", "тут?", "на місці?",
    "вільний?", "вільна?", "онлайн?", "допоможеш", "допоможеш мені", "можеш мені допомогти",
    "кілька хвилин?", "хтось може допомогти", "може хтось допомогти", "хто може допомогти",
    // Turkish
    "müsait misin", "müsait misiniz", "müsaitsen", "müsait?", "bir dakikan var mı",
    "bir dakikanız var mı", "bi dakikan var mı", "vaktin var mı", "vaktiniz var mı", "bir saniye?",
    "bi saniye?", "orada mısın", "orda mısın", "burada mısın", "kimse var mı", "bir sorum var",
    "bi sorum var", "sorum var", "soru?", "kısa bir soru", "hızlı bir soru", "sorabilir miyim",
    "bir şey sorabilir miyim", "bi şey sorabilir miyim", "bir şey soracağım", "yardım?",
    "yardım edebilir misin", "yardıma ihtiyacım var",
    "yardımın lazım", "yardımınız lazım", "yardım lazım",
    "yardımına ihtiyacım var", "yardımınıza ihtiyacım var", "acil", "acil durum", "çok acil",
    "iki dakikan var mı", "iki dakikanız var mı", "beş dakikan var mı", "bir saniyen var mı",
    "bi saniyen var mı", "zamanın var mı", "zamanınız var mı", "müsait misiniz", "uygun musunuz", "orada mısınız", "burada mısın", "bir şey soracaktım",
    "bi şey soracaktım", "bir sorum olacak", "yardım eder misin", "yardımcı olabilir misin",
    "birkaç dakikan var mı", "biri yardım edebilir mi", "yardım edebilecek var mı",
    "kimse yardım edebilir mi", "bana yardım edebilir misin", "bana yardım eder misin",
    "bana yardımcı olabilir misin", "rahatsız ediyor muyum",
    // Hindi (romanised)
    "free ho", "free ho kya", "aap free ho", "tum free ho", "kya aap free ho", "free hai",
    "time hai", "time hai kya", "thoda time hai", "ek minute?", "ek minute hai", "ek min?",
    "busy ho", "busy ho kya", "online ho", "ho kya", "hai kya", "wahan ho", "ek sawal hai",
    "ek sawaal hai", "sawaal hai", "sawal hai", "ek question hai", "question hai", "madad chahiye",
    "help chahiye", "help karo", "help kar do", "urgent hai", "jaldi", "time milega",
    "time milega kya", "time mil sakta hai", "ek minute milega kya", "available ho", "available hain",
    "available hai", "online hain", "free hain kya", "ek sawal puchu", "ek sawaal puchu",
    "kuch puchu", "ek baat puchu", "kuch puchna hai",
    "kuch puchna tha", "help chahiye thi", "madad chahiye thi", "tumhari help chahiye",
    "aapki help chahiye", "aapki madad chahiye", "tumhari madad chahiye", "sawal puchna hai", "ek baat karni thi",
    "madad karoge", "madad kar sakte ho", "help kar sakte ho", "help karoge",
    "koi help kar sakta hai", "koi madad kar sakta hai", "meri help karo", "meri madad karo",
    "meri help kar sakte ho", "meri madad kar sakte ho",
    // Japanese
    "ちょっといい", "ちょっといいですか", "ちょっとよろしいですか", "今いい", "今いいですか", "いまいい", "いま大丈夫", "今大丈夫", "今大丈夫ですか",
    "お時間ありますか", "お時間いただけますか", "少しお時間いいですか", "少しいいですか", "時間ある", "時間ありますか", "ちょっと時間ある", "いますか", "いる？",
    "質問?", "質問です", "質問があります", "ちょっと質問", "ちょっと質問いいですか", "質問いいですか", "聞いてもいい", "聞いてもいいですか", "助けて",
    "手伝って", "手伝ってください", "急ぎ", "至急", "緊急", "質問してもいいですか", "質問してもいい",
    "質問よろしいですか", "お手すきですか", "お手すきでしょうか", "今お手すきですか", "お時間よろしいですか",
    "少しよろしいですか", "ちょっとよろしいですか", "ちょっといいかな", "いま時間ある", "今時間ある", "聞きたいことがあります",
    "ちょっと聞きたいんですが", "手伝ってもらえますか", "助けてください", "お時間いいですか", "誰か助けて",
    "誰か手伝ってもらえますか", "誰か手伝ってください", "誰かいますか",
    // Chinese
    "在吗", "在嗎", "在不在", "你在吗", "您在吗", "有空吗", "有空嗎", "你有空吗", "现在有空吗", "有时间吗", "有時間嗎", "忙吗", "你忙吗",
    "方便吗", "现在方便吗", "有个问题", "有個問題", "问个问题", "問個問題", "请教一下", "我有个问题", "问一下", "打扰一下", "打擾一下", "打扰了",
    "帮个忙", "帮帮忙", "能帮我吗", "急", "紧急", "急事", "有人吗", "有人在吗", "忙不忙",
    "有没有空", "有空没", "有空不", "忙么", "帮我一下", "能帮我一下吗", "可以帮我一下吗", "有个问题想请教你",
    "想请教你", "请教你一下", "请教一个问题", "问你一下", "有空吗?", "在线吗", "方便吗?",
    "谁能帮我", "有人能帮我吗", "谁能帮个忙", "谁有空",
    // Korean
    "잠깐 시간 돼", "잠깐 시간 돼요", "잠깐 시간 되세요", "잠깐 시간 있어요", "시간 돼", "시간 돼요", "시간 되세요", "시간 있어", "시간 있어요",
    "시간 있으세요", "시간 괜찮아", "시간 괜찮으세요", "잠깐?", "계세요", "거기 있어", "거기 있어요", "자리에 계세요", "질문?", "질문 있어요",
    "질문이 있어요", "질문 하나", "질문 하나만요", "질문 하나 해도 돼요", "물어볼 게 있어요", "도와주세요", "도와줄 수 있어", "급해요", "급함",
    "긴급", "질문 하나 해도 될까요", "질문해도 될까요", "질문해도 돼요", "질문 있어", "여쭤봐도 될까요",
    "여쭤볼 게 있습니다",
    "물어봐도 될까요", "물어봐도 돼요", "뭐 좀 물어봐도 될까요", "뭐 좀 물어봐도 돼요",
    "뭐 하나 물어봐도 될까요", "도움이 필요해요", "도움이 필요합니다", "도움 필요해요", "도와줄 수 있어요", "도와주실 수 있나요", "도와줄래", "시간 괜찮아요", "시간 되나요",
    "시간 있나요", "잠깐 괜찮아요", "잠깐 괜찮으세요", "바쁘세요", "바빠", "바빠요",
    "누가 도와줄 수 있어요", "도와줄 사람 있어요",
    // More ways to ask for time or attention, across languages
    "is now a good time", "is this a good time", "good time?", "bad time?", "knock knock",
    "when you have a moment", "when you have a minute", "when you have a sec",
    "when you get a chance", "whenever you can", "when you're free", "if you have a sec",
    "if you have a minute", "if you're free", "if you have time",
    "need to ask you something", "when are you free", "when are you available",
    "when are you around", "when you free?", "what time works", "can i get your eyes on something",
    "got a sec for me", "for me", "tienes un rato libre", "me echas una mano", "puedes hablar",
    "estás por ahí", "tem um tempo", "você tem um tempo", "está por aí", "alguém pode me ajudar",
    "hätte eine frage", "ich hätte eine frage", "hast du gerade zeit", "hai cinque minuti",
    "mag ik je wat vragen", "hinner du", "har du en minut över", "masz sekundkę", "ты на связи",
    "вы на связи", "на связи?", "на минуту", "можно на минуту", "ти на зв'язку", "на зв'язку?",
    "uygun musun", "boş musun", "bakar mısın", "bir dakika?", "müsait misin acaba", "free hain",
    "aap free hain", "ek minute milega", "suno", "ek baat suno", "zara suno", "相談があります", "ちょっと相談",
    "相談いいですか", "ご相談です", "想问你", "有个问题想问你", "问你个问题", "想请教一下", "저기요", "질문 있습니다", "혹시 시간 되세요",
    "여쭤볼 게 있어요", "dostępny?", "vrij?", "libre?", "livre?", "frei?", "ledig?",
];

/// Requests for a call, a meeting or real-time talk, without an agenda.
#[rustfmt::skip]
pub(super) const MEETING: &[&str] = &[
    // English
    "call", "call me", "call me when you can", "call me asap", "can you call me",
    "could you call me", "call you", "can i call you", "may i call you", "can i call",
    "give me a call", "give me a ring", "ring me", "phone me", "quick call", "a quick call",
    "call now", "call?", "a call?", "phone call", "call real quick", "hop on a call",
    "hop on a quick call", "jump on a call", "jump on a quick call", "get on a call",
    "get on a quick call", "have a call", "have a quick call", "do a call", "do a quick call",
    "hop on zoom", "jump on zoom", "hop on a zoom", "zoom?", "zoom call", "quick zoom",
    "hop on meet", "google meet?", "teams call", "video call", "voice call", "facetime",
    "hop in vc", "join vc", "vc?", "jump in voice", "hop in voice", "voice chat", "talk?",
    "can we talk", "could we talk", "let's talk", "lets talk", "we need to talk", "need to talk",
    "i need to talk to you", "need to talk to you", "speak?", "can we speak", "can i speak to you",
    "can i talk to you", "chat?", "quick chat", "can we chat", "let's chat", "have a quick chat",
    "huddle", "huddle?", "let's huddle", "quick huddle", "start a huddle", "meet?", "can we meet",
    "let's meet", "meeting?", "quick meeting", "can we have a meeting", "meeting now", "sync?",
    "can we sync", "let's sync", "quick sync", "sync up", "sync up?", "catch up?", "quick catch up",
    "quick catch-up", "can we catch up", "let's catch up", "got time for a call",
    "have time for a call", "free for a call", "time for a call", "available for a call",
    "up for a call", "do you have time to talk", "got a minute to talk", "have a minute to talk",
    "time to talk", "free to talk", "can you talk", "can you talk now", "are you free to talk",
    "free for a chat", "free to chat", "can we speak", "we need to talk", "call me back",
    "call when free", "ring me when you can", "give me a ring when you can", "join me in voice",
    "join me in vc", "join me on a call", "join me on zoom", "join voice", "voice?",
    "can i call you", "can i ring you", "wanna talk", "want to talk", "can we talk privately",
    // Spanish
    "hacemos una llamada", "hacemos un call", "llamada?", "llamada rápida", "una llamada",
    "una llamada rápida", "me llamas", "llámame", "te llamo", "puedo llamarte", "nos llamamos",
    "podemos hablar", "hablamos", "hablamos un momento", "podemos llamarnos", "videollamada",
    "reunión?", "reunión rápida", "nos reunimos", "podemos reunirnos", "un call", "una call",
    "tienes tiempo para una llamada", "charlamos", "podemos charlar", "llamadita", "una llamadita",
    "nos conectamos", "nos conectamos un momento", "conectamos", "nos juntamos",
    "nos juntamos un momento", "nos juntamos un rato", "hablamos un rato", "hablamos un ratito",
    "podemos hablar un rato", "podemos hablar por teléfono", "hablamos por zoom", "te llamo?", "me puedes llamar",
    "puedes llamarme", "hablamos?", "podemos hablar un momento", "nos vemos por zoom",
    // Portuguese
    "bora uma call", "bora call", "bora conversar", "vamos fazer uma call", "vamos conversar",
    "podemos conversar", "podemos falar", "vamos falar", "uma call rápida", "call rápida",
    "me liga", "te ligo", "posso te ligar", "pode me ligar", "ligação?", "uma ligação",
    "podemos fazer uma ligação", "reunião?", "chamada?", "videochamada", "bate-papo",
    "fazemos uma call", "rola uma call", "pode falar agora", "podemos falar agora", "me liga?",
    "pode me ligar", "vamos conversar rapidinho", "podemos conversar", "bora falar", "bora trocar uma ideia", "dá pra conversar",
    "dá pra falar", "dá para falar", "dá para conversar", "dá pra fazer uma call", "podemos falar um minuto",
    // French
    "on peut s'appeler", "on s'appelle", "on peut faire un appel", "un appel", "appel?",
    "appelle-moi", "appelez-moi", "tu peux m'appeler", "je peux t'appeler", "on fait un call",
    "un call", "call rapide", "on peut parler", "on peut discuter", "on en parle",
    "on se fait un point", "un point", "point rapide", "petit point", "on se voit", "réunion?",
    "visio", "on fait une visio", "une visio", "on s'appelle vite fait", "je t'appelle",
    "je vous appelle", "je peux vous appeler", "vous pouvez m'appeler", "tu m'appelles",
    "on peut se parler", "on se parle", "on s'appelle?", "un appel rapide", "on peut se voir",
    // German
    "kurzer call", "kurzen call", "call?", "können wir telefonieren", "können wir reden",
    "können wir sprechen", "können wir kurz sprechen", "können wir kurz reden", "kurz telefonieren",
    "telefonieren", "kurzer anruf", "ruf mich an", "ruf mich mal an", "kannst du mich anrufen",
    "kann ich dich anrufen", "wollen wir telefonieren", "sollen wir telefonieren",
    "können wir uns treffen", "lass uns reden", "lass uns sprechen", "lass uns telefonieren",
    "kurzes meeting", "kurzes gespräch", "können wir uns abstimmen",
    "können wir uns kurz abstimmen", "kurz abstimmen", "kurz sprechen", "kurz quatschen", "callen",
    "callen?", "wollen wir callen", "sollen wir callen", "können wir callen", "ruf mich an",
    "rufst du mich an", "kann ich dich kurz anrufen", "anrufen?", "telefonat?", "kurzes telefonat",
    "können wir einen call machen", "call machen", "einen call machen", "wollen wir einen call machen",
    "können wir uns kurz austauschen", "kurz austauschen", "austauschen?", "hast du zeit für ein telefonat",
    // Italian
    "facciamo una call", "facciamo una chiamata", "una call veloce", "call veloce",
    "possiamo sentirci", "ci sentiamo", "sentiamoci", "possiamo parlare", "possiamo parlarne",
    "chiamami", "mi chiami", "ti chiamo", "posso chiamarti", "chiamata?", "una chiamata",
    "riunione?", "facciamo un punto", "un punto veloce", "facciamo una riunione",
    "ci vediamo su zoom", "ci sentiamo un attimo", "ci sentiamo?", "mi chiami", "mi chiami?",
    "puoi chiamarmi", "mi puoi chiamare", "ti chiamo?", "sentiamoci un attimo", "possiamo sentirci",
    // Dutch
    "zullen we even bellen", "zullen we bellen", "kunnen we bellen", "kunnen we even bellen",
    "bellen", "even bellen", "bel me", "bel me even", "kun je me bellen", "kan ik je bellen",
    "kunnen we praten", "kunnen we even praten", "even sparren", "kunnen we even sparren",
    "korte call", "kort overleg", "overleg?", "zullen we afspreken", "even overleggen",
    "kunnen we even overleggen", "bel je me", "bel je me?", "kun je bellen", "kan je bellen",
    "kunnen we kort bellen", "even kort bellen", "zullen we kort bellen", "bellen?", "even bellen?",
    "videobellen", "videobellen?", "beeldbellen", "beeldbellen?", "zoomen?", "teamsen?", "even teamsen",
    // Swedish, Danish, Norwegian
    "ska vi ringas", "ska vi ringa", "kan vi ringas", "kan vi ringa", "kan vi prata", "ring mig",
    "ring meg", "skal vi ringe", "kan vi ringe", "kan vi snakke", "kan vi tale",
    "skal vi tage et opkald", "et opkald", "samtal?", "kort samtal", "möte?", "møde?", "møte?",
    "kort möte", "et kort møte", "kan vi ses", "kan vi ta en call", "skal vi snakke",
    "ska vi ta ett samtal", "höras?", "ska vi höras", "kan vi höras", "høres?", "skal vi høres",
    "kan vi høres", "snacka?", "ska vi snacka", "kan vi snacka", "ringer du mig", "ringer du meg",
    "kan jeg ringe dig", "kan jeg ringe deg", "kan jag ringa dig", "ringes?", "ringas?", "ringer du",
    "tid att prata", "tid til at snakke", "tid til at tale", "tid til å snakke", "tid til å prate",
    // Polish
    "możemy zadzwonić", "możemy pogadać", "możemy porozmawiać", "zadzwonisz", "zadzwoń",
    "zadzwoń do mnie", "mogę zadzwonić", "mogę do ciebie zadzwonić", "zdzwonimy się", "szybki call",
    "spotkanie?", "możemy się spotkać", "krótka rozmowa", "pogadamy", "porozmawiamy", "rozmowa?",
    "zdzwonić się?", "się zdzwonić?", "możemy się zdzwonić", "zdzwonimy się na szybko",
    "zadzwonisz?", "możesz zadzwonić", "możesz do mnie zadzwonić", "pogadamy?",
    // Russian
    "созвонимся", "давай созвонимся", "можем созвониться", "созвон", "созвониться",
    "можно созвониться", "быстрый созвон", "позвони", "позвони мне", "позвоните", "позвоните мне",
    "можешь позвонить", "могу позвонить", "можно позвонить", "давай поговорим", "можем поговорить",
    "поговорим", "нужно поговорить", "надо поговорить", "давай обсудим", "встретимся", "колл",
    "звонок?", "зум", "наберёшь", "наберёшь меня", "наберу", "наберу тебя?", "можно набрать",
    "созвонимся сейчас", "созвон?", "давай созвон", "можем поговорить сейчас", "можешь сейчас говорить",
    "позвонишь", "позвонишь мне", "можно тебе позвонить", "можно вам позвонить",
    // Ukrainian
    "зідзвонимось", "зідзвонимося", "давай зідзвонимось", "можемо зідзвонитися", "зідзвон",
    "подзвони", "подзвони мені", "можеш подзвонити", "можна подзвонити", "можу подзвонити",
    "поговоримо", "давай поговоримо", "можемо поговорити", "треба поговорити", "дзвінок?",
    "зустрінемось", "созвонимось", "наберу тебе", "набереш мене", "можна тобі подзвонити",
    "подзвониш", "подзвониш мені", "зідзвонимось зараз", "зідзвонитися?", "поговорити?",
    // Turkish
    "arayabilir miyim", "seni arayabilir miyim", "sizi arayabilir miyim", "arar mısın",
    "beni arar mısın", "ara beni", "beni ara", "görüşebilir miyiz", "konuşabilir miyiz",
    "konuşalım", "görüşelim", "bir call yapalım", "call yapalım", "call yapabilir miyiz",
    "toplantı?", "kısa bir toplantı", "telefonla konuşalım", "kısa bir görüşme",
    "arayabilir misin beni", "beni arayabilir misin", "arar mısın beni", "seni arayayım mı",
    "arayayım mı", "konuşabilir miyiz", "konuşalım mı", "görüşelim mi",
    // Hindi (romanised)
    "call karein", "call karen", "call kare", "call karte hain", "call kar sakte hain", "call karo",
    "mujhe call karo", "call kar lo", "call kar", "baat karein", "baat kar sakte hain",
    "baat karni hai", "baat karte hain", "meeting karein", "phone karo", "call pe aao",
    "call pe aa jao", "call karoge", "call kar sakte hain", "call kar le", "call kar lein",
    "baat kar sakte ho", "baat ho sakti hai kya", "baat karni thi", "meeting kar sakte hain",
    // Japanese
    "電話できる", "電話できますか", "電話いい", "電話いいですか", "電話してもいいですか", "通話できる", "通話できますか", "通話?", "電話?", "話せる",
    "話せますか", "少し話せますか", "ちょっと話せる", "ちょっと話せますか", "会議?", "ミーティング?", "ミーティングできますか", "打ち合わせ?",
    "打ち合わせできますか", "ハドル", "電話ください", "ミーティングしませんか", "打ち合わせしませんか",
    "電話しませんか", "通話しませんか", "話しませんか", "zoomできますか", "zoomいいですか", "zoomしませんか",
    "今話せますか", "通話いいですか", "お電話してもよろしいですか", "お電話よろしいですか",
    // Chinese
    "打个电话", "打個電話", "打电话", "打電話", "通个电话", "能打电话吗", "可以打电话吗", "电话?", "電話?", "开个会", "開個會", "开会?",
    "语音?", "语音一下", "视频?", "视频一下", "聊一下", "聊聊", "能聊一下吗", "可以聊聊吗", "方便通话吗", "方便说话吗", "通话",
    "开个会吧", "开个会吗", "开个短会", "打个电话吧", "通个话", "语音吗", "视频吗", "能视频吗", "能语音吗", "能打个电话吗",
    // Korean
    "통화 가능해요", "통화 가능", "통화 가능하세요", "통화 가능할까요", "통화 돼", "통화 돼요", "통화 되세요", "통화할 수 있어", "통화할 수 있어요",
    "통화 괜찮아요", "전화해 줘", "전화 주세요", "전화 가능해요", "전화해도 돼요", "얘기 좀 해요", "잠깐 얘기할 수 있어요", "회의?", "미팅?",
    "미팅 가능해요", "허들", "회의 가능할까요", "회의 가능해요", "미팅 가능할까요", "통화할 수 있을까요",
    "통화 괜찮으세요", "통화 가능하신가요", "얘기 좀 할 수 있을까요", "얘기 좀 할 수 있어요", "얘기할 수 있을까요",
    "잠깐 얘기 좀 할 수 있을까요", "잠깐 얘기할 수 있어요", "전화 가능할까요", "전화해도 될까요",
    // More ways to ask for a call, across languages
    "for a call", "for a chat", "for a sync", "for a huddle", "for a meeting", "to chat", "to talk",
    "parler?", "discuter?", "en parler?", "s'appeler?", "hablar?", "llamarnos?", "falar?",
    "conversar?", "ligar?", "reden?", "sprechen?", "quatschen?", "parlare?", "sentirci?",
    "praten?", "prata?", "snakke?", "tale?", "ringe?", "ringa?", "pogadać?", "porozmawiać?",
    "zadzwonić?", "поговорить?", "созвониться?", "поговорити?", "зідзвонитися?",
    "konuşmak?", "baat?",
    "to call", "to sync", "to meet", "to speak", "to hop on a call", "when can we talk",
    "when can we call", "when can we meet", "need to speak with you", "can we do a call",
    "call me back", "call back?", "ring me when free", "necesito hablar contigo",
    "podemos hacer una llamada", "hacer una llamada", "hablamos por teléfono",
    "vamos fazer uma ligação", "pode falar", "podemos nos falar", "preciso falar com você",
    "pour un call", "pour un appel", "pour une visio", "pour un point", "on peut se parler",
    "on peut s'appeler rapidement", "können wir quatschen", "zeit für einen call",
    "zeit für ein gespräch", "hast du zeit für einen call", "possiamo fare una call",
    "ti posso chiamare", "posso chiamarti", "possiamo fare una chiamata", "tijd voor een call",
    "kunnen we overleggen", "hinner du prata", "kan vi ta ett snack", "kan du ringa mig",
    "kan du ringe meg", "kan du ringe mig", "tid til et opkald", "masz czas na call", "na call",
    "zadzwonisz do mnie", "можешь говорить", "можете говорить", "удобно говорить",
    "тебе удобно говорить", "набери", "набери меня", "можешь набрать", "можеш говорити",
    "набери мене", "зручно говорити", "bir dakika konuşabilir miyiz", "konuşabilir miyiz",
    "arayabilir misin", "beni arayabilir misin", "call kar sakte ho", "baat ho sakti hai",
    "call pe aa sakte ho", "call karna hai", "今話せる", "ちょっと電話いい", "電話してもいい", "通話いいですか", "方便打个电话吗",
    "可以打个电话吗", "语音一下吗", "视频会议", "여보세요", "통화돼요", "잠깐 통화 가능하세요", "통화 가능하세요",
];

/// English meeting requests are composed: each verb with each noun, with or without "a"/"an"
/// ("hop on a huddle", "have a sync", "grab a call"). Combined by the lexicon.
#[rustfmt::skip]
pub(super) const MEETING_VERBS: &[&str] = &[
    "hop on", "hop in", "hop into", "jump on", "jump in", "jump into", "get on", "get in", "have",
    "do", "grab", "set up", "start", "join", "schedule", "need", "join me in", "join me on",
    "hop on the", "hop in the", "jump on the", "jump in the", "jump into the", "get on the", "join the",
    "come to", "come on",
];

/// The nouns [`MEETING_VERBS`] combine with.
#[rustfmt::skip]
pub(super) const MEETING_NOUNS: &[&str] = &[
    "call", "chat", "sync", "huddle", "zoom", "meeting", "catch up", "catch-up", "talk",
    "video call", "voice call", "phone call", "meet", "google meet", "teams call", "vc",
    "voice chat", "conversation", "discussion", "voice", "voice channel", "facetime", "skype",
    "teams", "slack call", "discord call", "word", "quick word",
];

/// English requests for someone's time are composed too: each frame with each span of time
/// ("do you have" + "a couple of minutes", "could I grab" + "a minute of your time").
#[rustfmt::skip]
pub(super) const TIME_FRAMES: &[&str] = &[
    "got", "have", "you got", "u got", "you have", "do you have", "do u have", "have you got",
    "you have got", "any chance you have", "can i grab", "could i grab", "can i get", "could i get",
    "can i have", "could i have", "can i borrow you for", "can i steal you for", "spare",
    "can i steal", "could i steal", "can i borrow", "could i borrow",
    "can you spare", "could you spare", "free for", "around for",
];

/// The spans of time [`TIME_FRAMES`] combine with.
#[rustfmt::skip]
pub(super) const TIME_SPANS: &[&str] = &[
    "a sec", "a second", "a min", "a minute", "a moment", "a mo", "a few", "a few minutes",
    "a few mins", "a few min", "a few seconds", "a couple of minutes", "a couple minutes",
    "a couple of mins", "a couple mins", "two minutes", "two mins", "five minutes", "five mins",
    "a minute or two", "some time", "a bit", "a bit of time", "a spare minute", "a spare moment",
    "a minute of your time", "a moment of your time", "a sec of your time", "a second of your time",
];

/// Saying one has a question (or needs a hand) without asking it, composed per language: each
/// frame with each noun ("ik heb" + "een vraagje", "ek" + "sawal tha", "질문이" + "있습니다").
#[rustfmt::skip]
pub(super) const AVAILABILITY_COMPOSED: &[(&[&str], &[&str])] = &[
    // English
    (&["i have", "i've got", "ive got", "i got", "got", "have", "i had", "i just have", "just have"],
     &["a question", "a q", "a qq", "one question", "a small question", "a little question",
       "a question for you", "a q for you", "a question for ya", "a q for ya", "a question for u",
       "a quick one", "a favour", "a favor", "something to ask", "something to ask you"]),
    // Spanish
    (&["tengo", "te tengo", "tendría"],
     &["una pregunta", "una duda", "una consulta", "una preguntita", "una pregunta para ti",
       "una duda para ti", "una consulta para ti"]),
    // Portuguese
    (&["tenho", "eu tenho", "tô com", "to com", "estou com"],
     &["uma pergunta", "uma dúvida", "uma perguntinha", "uma dúvida pra você", "uma pergunta pra você"]),
    // French
    (&["j'ai", "j'aurais"],
     &["une question", "une question pour toi", "une question pour vous", "un truc à te demander",
       "quelque chose à te demander"]),
    // German
    (&["ich habe", "ich hab", "hab", "ich hätte", "hätte", "ich hätt"],
     &["eine frage", "ne frage", "'ne frage", "eine frage an dich", "mal eine frage", "mal ne frage",
       "da eine frage", "eine frage an sie"]),
    // Italian
    (&["ho", "avrei"],
     &["una domanda", "una domandina", "una domanda per te", "un dubbio", "una cosa da chiederti"]),
    // Dutch
    (&["ik heb", "heb", "ik had"],
     &["een vraag", "een vraagje", "een vraag voor je", "een vraagje voor je", "een vraag voor jou"]),
    // Swedish, Danish, Norwegian
    (&["jag har", "jeg har", "har"],
     &["en fråga", "en fråga till dig", "et spørgsmål", "et spørsmål", "et spørgsmål til dig",
       "et spørsmål til deg"]),
    // Polish
    (&["mam"], &["pytanie", "pytanko", "pytanie do ciebie", "pytanie do pana", "pytanie do pani"]),
    // Russian, Ukrainian
    (&["у меня", "у меня есть", "есть", "у мене", "у мене є", "є", "маю"],
     &["вопрос", "вопросик", "вопрос к тебе", "вопрос к вам", "небольшой вопрос", "питання",
       "питаннячко", "питання до тебе", "питання до вас"]),
    // Turkish
    (&["bir", "bi", "küçük bir", "sana bir", "size bir"], &["sorum var", "sorum olacak", "soru soracağım"]),
    // Hindi (romanised)
    (&["ek", "mera ek", "mujhe ek", "mere paas ek"],
     &["sawal hai", "sawaal hai", "sawal tha", "sawaal tha", "question hai", "question tha",
       "sawal puchna hai", "baat puchni hai", "baat puchni thi"]),
    // Korean: the noun comes first, then how politely it is said
    (&["질문", "질문이", "질문 하나", "여쭤볼 게", "물어볼 게", "여쭤볼 것이", "부탁이", "부탁 하나"],
     &["있어요", "있습니다", "있어", "있는데요", "있는데", "있어서요"]),
    (&["시간", "잠깐 시간", "혹시 시간", "지금 시간", "혹시 잠깐 시간"],
     &["돼", "돼요", "되세요", "되나요", "있어", "있어요", "있으세요", "있나요", "괜찮아", "괜찮아요",
       "괜찮으세요", "괜찮으신가요", "되실까요", "될까요", "있으신가요"]),
];

/// Meeting requests composed in other languages: each first part with each second part, the
/// way the language orders them ("hacemos" + "una llamada", "toplantı" + "yapalım mı").
#[rustfmt::skip]
pub(super) const MEETING_COMPOSED: &[(&[&str], &[&str])] = &[
    // Spanish
    (&["hacemos", "hacer", "tenemos", "tener", "podemos hacer", "podemos tener", "hagamos",
       "nos hacemos", "armamos", "te parece", "te va"],
     &["una llamada", "un call", "una call", "una videollamada", "una reunión", "un zoom", "un meet",
       "una llamadita", "una llamada corta"]),
    // Portuguese
    (&["fazer", "fazemos", "bora", "vamos fazer", "podemos fazer", "rola", "marcar", "marcamos",
       "podemos marcar", "bater"],
     &["uma call", "um call", "uma ligação", "uma chamada", "uma videochamada", "uma reunião",
       "um papo", "uma conversa", "um meet", "um zoom"]),
    // French
    (&["on fait", "on se fait", "faire", "on peut faire", "tu veux faire", "on organise", "on se cale",
       "on se prend", "tu as le temps pour", "t'as le temps pour", "dispo pour", "tu es dispo pour",
       "t'es dispo pour"],
     &["un call", "un appel", "une visio", "un point", "une réunion", "un meet", "un zoom", "un teams",
       "un échange", "un coup de fil"]),
    // Italian
    (&["facciamo", "fare", "possiamo fare", "ci facciamo", "hai tempo per", "sei libero per",
       "sei disponibile per"],
     &["una call", "una chiamata", "una videochiamata", "una riunione", "un punto", "un meet",
       "uno zoom", "una telefonata"]),
    // Swedish, Danish, Norwegian
    (&["ta", "tage", "ha", "have", "kan vi ta", "ska vi ta", "skal vi tage", "skal vi ta", "kan vi tage",
       "kan vi ha", "har du tid til", "har du tid för", "har du tid for"],
     &["ett samtal", "en call", "ett möte", "ett snack", "en prat", "et opkald", "et møde", "et møte",
       "en samtale", "en snak", "et call"]),
    // Polish
    (&["zrobimy", "możemy zrobić", "zróbmy", "masz czas na"],
     &["calla", "call", "spotkanie", "rozmowę", "szybki call", "krótkie spotkanie"]),
    // Turkish: the noun comes first
    (&["toplantı", "görüşme", "call", "bir call", "bir toplantı", "bir görüşme", "telefon", "zoom"],
     &["yapalım", "yapalım mı", "yapabilir miyiz", "yapar mıyız", "ayarlayalım"]),
    // Korean
    (&["통화", "잠깐 통화", "지금 통화", "전화", "미팅", "회의", "잠깐 미팅"],
     &["가능해요", "가능하세요", "가능할까요", "가능하신가요", "돼요", "되세요", "될까요", "할 수 있어요",
       "할 수 있을까요", "괜찮으세요", "괜찮아요"]),
    // Hindi (romanised)
    (&["call", "meeting", "baat", "zoom call", "ek call"],
     &["karein", "karen", "kar sakte hain", "karte hain", "kar lein", "kar le", "karna hai", "karoge",
       "kar sakte ho"]),
];

/// Titles that may stand between a greeting and a name ("good morning Mr. Patel", "Dzień dobry,
/// panie Marku"). Titles that follow a name ("Ahmet Bey") are ordinary fillers.
#[rustfmt::skip]
pub(super) const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "dr", "prof", "herr", "frau", "señor", "señora", "señorita", "sr",
    "sra", "srta", "senhor", "senhora", "dona", "monsieur", "madame", "mme", "signor", "signora",
    "dott", "dottore", "meneer", "mevrouw", "pan", "pani", "panie", "pana",
];

/// Honorifics written right after a name in Japanese, Korean and Chinese ("田中さん", "민수님",
/// "王老师"): the characters before one, up to [`MAX_HONORIFIC_NAME_CHARS`], are a name.
#[rustfmt::skip]
pub(super) const HONORIFIC_SUFFIXES: &[&str] = &[
    "さん", "様", "さま", "くん", "君", "ちゃん", "先生", "殿", "님", "씨", "선배", "老师", "老師", "先生", "女士",
    "总", "經理", "经理", "哥", "姐", "대리님", "과장님", "차장님", "부장님", "팀장님", "선배님", "사장님",
    "대표님", "실장님", "매니저님", "部長", "課長", "主任",
];

/// The longest name, in characters, read before an honorific.
pub(super) const MAX_HONORIFIC_NAME_CHARS: usize = 4;

/// Asking frames that turn a bare phrase into a question ("are you" + "free"). Neutral alone.
#[rustfmt::skip]
pub(super) const ASKING: &[&str] = &[
    "you", "u", "ya", "are you", "r u", "are u", "r you", "ru", "are ya", "you still",
    "are you still", "is anyone", "is anybody", "is someone", "anyone", "anybody", "someone",
    "somebody", "can we", "could we", "shall we", "should we", "can you", "could you", "would you",
    "will you", "do you want to", "wanna", "want to", "you wanna", "let's", "lets", "let me",
    "lemme", "can i", "could i", "may i", "do you", "did you", "are we", "we should", "you up for",
    "up for", "你", "您",
    // Other languages: subjects and verbs that frame a question ("tu" + "dispo ?")
    "tú", "usted", "estás", "tienes", "puedes", "podemos", "hacemos", "hacemos una",
    "hacemos un", "podemos hacer una", "podemos tener una", "você", "vc", "pode", "bora",
    "bora uma", "vamos fazer uma", "fazemos uma", "rola uma", "tu", "vous", "t'es", "tu es",
    "vous êtes", "est-ce que", "est", "on peut", "on fait un", "on fait une", "on se fait un",
    "on peut faire un", "on peut faire une", "du", "bist du", "hast du", "kannst du",
    "können wir", "sind sie", "wollen wir", "machen wir einen", "sei", "hai", "puoi",
    "possiamo", "facciamo una", "facciamo un", "ben je", "heb je", "kun je", "kunnen we",
    "zullen we", "är du", "kan du", "kan vi", "ska vi", "er du", "skal vi", "czy", "masz",
    "możesz", "możemy", "ты", "вы", "можешь", "можем", "давай", "ти", "ви", "можеш", "можемо",
    "aap", "tum", "kya aap", "kya tum",
    // More frames: conditionals, "do you have", "can I have you"
    "tu aurais", "vous auriez", "t'aurais", "t'as", "tu as", "vous avez", "avez-vous", "as-tu",
    "hättest du", "hätten sie", "haben sie", "habt ihr", "bist du gerade", "avresti", "avete",
    "heeft u", "hebben jullie", "zou je", "har du", "har ni", "hinner du", "ma pan", "ma pani",
    "macie", "у тебя", "у вас", "у тебя есть", "у вас есть", "можно тебя", "можно вас", "маєш",
    "у тебе є", "у вас є", "alguien", "alguém", "quelqu'un", "jemand", "qualcuno", "iemand", "någon",
    "nogen", "noen", "ktoś", "кто-нибудь", "хтось", "我们", "咱们", "any chance", "any chance you",
    "tiene", "tenés", "tienen", "tem", "você tem", "vc tem", "tens", "hast du gerade", "free to",
    "available to", "around to", "able to",
];

/// Neutral words: addressees, politeness, "real quick". Allowed, but prove nothing alone.
#[rustfmt::skip]
pub(super) const FILLERS: &[&str] = &[
    // English
    "team", "all", "everyone", "everybody", "folks", "guys",
    "y'all", "yall", "you all", "all of you", "people", "peeps", "gang", "crew", "friends", "fam",
    "mate", "mates", "bro", "dude", "buddy", "boss", "sir", "ma'am", "man", "pal", "lads",
    "ladies", "gents", "chief", "any chance", "if possible", "ppl", "to spare",
    "for a sec", "for a second", "for a minute",
    "for a moment", "for a bit", "right now", "rn", "by any chance", "when you can",
    
    
    
    "sorry",
    // Spanish, Portuguese
    "por favor", "porfa", "porfis", "todos", "todas", "a todos", "equipo", "chicos", "chicas",
    "gente", "amigos", "pessoal", "galera", "equipe", "por favor", "pf", "pfv", 
    "cuando puedas", "quando puder", "quando der", "quando tiver tempo", "cuando tengas tiempo",
    "para mí", "pra mim", "para ti", "para você", "pra você",
    "cuando tengas un momento", "quando tiver um tempo", "por zoom", "por teléfono",
    // French
    "s'il te plaît", "s'il vous plaît", "stp", "svp", "à tous", "tout le monde", "les gars",
    "l'équipe", "la team", "les amis", "vite fait", "rapidement", "pour moi", "pour toi",
    "quand tu as le temps", "quand tu auras le temps",
    // German
    "alle", "zusammen", "leute", "ihr", "allerseits", "ihr lieben", "kollegen", "na",
    "an dich", "an euch", "an sie", "für dich", "für mich", "wenn du kannst", "wenn du zeit hast",
    "wenn du magst",
    
    // Italian
    "per favore", "tutti", "a tutti", "ragazzi", "per me", "per te",
    "quando hai tempo", "quando hai un attimo",
    // Dutch
    "alsjeblieft", "aub", "allemaal", "iedereen", "jongens", "lui", "voor mij", "voor jou",
    "als je kan", "als je tijd hebt", "heel even",
    // Scandinavian
    "snälla", "alla", "allihopa", "allihop", "allesammans", "folkens", "alle sammen", "sammen", "nå",
    "för mig", "for mig", "for meg", "när du kan", "når du kan", "når du har tid",
    
    // Polish
    "proszę", "wszystkim", "wszyscy", "ludzie", "zespole", "szybko", "na szybko", "dla mnie",
    "jak możesz", "kiedy możesz", "jak znajdziesz chwilę", "do ciebie",
    // Russian, Ukrainian
    "пожалуйста", "плиз", "всем", "все", "ребята", "коллеги", "народ", "друзья", "быстро",
    "будь ласка", "усім", "всім", "друзі", "колеги", "швидко", "к тебе", "к вам", "для меня",
    "когда сможешь", "как сможешь", "когда будет время", "как будет время", "по зуму", "в зуме",
    "по телефону", "по видео", "коли зможеш", "як зможеш", "коли буде час", "до тебе", "для мене",
    // Turkish
    "lütfen", "herkese", "arkadaşlar", "millet", "ekip", "hocam", "abi", "abla", "bey", "hanım",
    "şu an", "şuan", "su an", "müsait olunca", "müsait olduğunda", "benim için",
    // Hindi (romanised)
    "kripya", "plz yaar", "sabko", "sab", "dosto", "doston", "ji", "bhai", "yaar", "kya",
    "please ji", "sabhi", "sabhi ko", "sab log", "jab free ho", "jab time mile", "jab time ho",
    "mere liye", "aapse", "tumse",
    // Japanese, Chinese, Korean
    "皆さん", "みなさん", "みんな", "各位", "さん", "お願いします", "か", "ね", "よ", "です", "ですか", "今", "ちょっと", "大家", "请",
    "麻烦", "吗", "呢", "啊", "呀", "吧", "现在", "여러분", "님", "부탁드려요", "부탁해요", "지금", "요",
    "少し", "少々", "少しだけ", "だけ", "今日も", "老师", "一下", "잠깐", "잠시", "혹시요", "다들", "모두",
    // More neutral words: adverbs of time and politeness
    "when free", "for you", "with me", "with you", "conmigo", "contigo", "comigo", "avec moi",
    "mit mir", "con me", "met mij", "med mig", "med meg", "ze mną", "со мной", "зі мною",
    "benimle", "mi", "mu", "en", "cuando puedas", "quando puder", "quand tu peux", "quand vous pouvez",
    "quando puoi", "wanneer je kan", "gerade", "方便", "可以", "能", "혹시", "acaba", "zara",
];

/// Words that carry nothing and may appear anywhere, even inside a phrase: "quick" in "a
/// quick call", "kurz" in "kannst du mich kurz anrufen". Single words only.
#[rustfmt::skip]
pub(super) const DROPPABLE: &[&str] = &[
    // English
    "please", "pls", "plz", "pleeease", "just", "quick", "quickly", "real", "really", "short",
    "small", "little", "tiny", "brief", "briefly", "so", "um", "uh", "hmm", "again", "actually",
    "still", "xd", "heel", "kort", "kortjes", "bitte", "svp", "stp", "porfavor", "pliz",
    // Spanish, Portuguese
    "rápida", "rápido", "rapidito", "rapidinho", "rapidinha", "pequeña", "pequena", "breve",
    "corta", "porfa",
    // French, German, Italian
    "rapide", "rapidement", "petite", "petit", "vite", "kurz", "kurze", "kurzer", "kurzen",
    "kurzes", "mal", "eben", "schnell", "kleine", "veloce", "velocemente", "piccola", "rapida",
    // Dutch, Scandinavian
    "even", "snel", "snelle", "korte", "snabb", "snabbt", "lite", "liten", "rask", "raskt",
    "hurtig", "hurtigt", "lige",
    // Polish, Russian, Ukrainian, Turkish, Hindi
    "szybkie", "szybki", "szybko", "krótkie", "krótka", "krótki", "быстрый", "быстро",
    "короткий", "быстренько", "буквально", "швидке", "швидко", "коротке", "швиденько", "kısa",
    "hızlı", "jaldi", "thoda",
    // "now" in any language says when, not what
    "now", "ahora", "agora", "maintenant", "jetzt", "gerade", "grad", "adesso", "ora", "nu",
    "teraz", "сейчас", "зараз", "şimdi", "abhi", "hemen",
];

/// Spellings read as one word: chat shorthand and common slips ("u" for "you", "hv" for
/// "have", "helo" for "hello", "q tal" for "qué tal"), and the units of time across languages
/// ("tienes un sec" for "tienes un segundo"). The first word of each group is the spelling the
/// phrases use; the others are read as it, in messages and in phrases alike. Only spellings that
/// are not words of their own in a team's chat belong here.
#[rustfmt::skip]
pub(super) const SPELLINGS: &[&[&str]] = &[
    // English shorthand and slips
    &["you", "u"],
    &["are", "r"],
    &["have", "hv", "hav"],
    &["good", "gud", "goood"],
    &["morning", "mornin", "mrng", "morng"],
    &["hello", "helo", "hellow"],
    &["quick", "quik", "qick", "quck", "qucik"],
    &["question", "qstn", "qn"],
    &["available", "avail"],
    &["around", "arnd"],
    &["there", "ther", "thr"],
    &["please", "plse"],
    // Units of time, in every listed language
    &["minute", "min", "mins", "minutes", "minuto", "minutos", "minuti", "minuten", "minuut",
      "minuter", "minutter", "minutt", "minut", "minuty", "минута", "минуту", "минуты", "минут",
      "хвилина", "хвилину", "хвилини", "хвилин", "dakika", "dakikan", "dk"],
    &["second", "sec", "secs", "seconds", "seg", "segundo", "segundos", "seconde", "secondes",
      "secondo", "secondi", "sekunde", "sekunden", "sekund", "sekunder", "секунда", "секунду",
      "saniye", "saniyen"],
    // Spanish, Portuguese shorthand
    &["qué", "q"],
    // Hindi (romanised): the same word in several transliterations
    &["puchna", "poochna", "puchhna", "pouchna"],
    &["puchu", "poochu", "puchhu"],
    &["puchni", "poochni", "puchhni"],
    &["sawal", "sawaal", "savaal", "saval", "swal"],
    &["chahiye", "chahie", "chaiye", "chahiya"],
    &["sakte", "skte", "sakta"],
    &["karo", "kro"],
];

/// Phrase words that people often mistype and that no common word is one slip away from: a
/// message word of five letters or more that is one of these with one letter replaced, two
/// neighbours swapped or one letter left out ("avaliable", "minite", "moring") is read as it.
/// Only long words, checked against ordinary vocabulary: "callen" is not here because
/// "called" is one slip from it, nor "servus" because of "serves".
#[rustfmt::skip]
pub(super) const MISSPELLABLE: &[&str] = &[
    // English
    "available", "minute", "second", "moment", "question", "morning", "afternoon", "evening",
    "around", "urgent", "someone", "somebody", "anyone", "anybody", "everyone", "bother",
    "interrupt", "disturb", "favour",
    // Spanish, Portuguese
    "momento", "pregunta", "disponible", "urgente", "pergunta", "disponível",
    "minutinho", "minutito", "ocupado",
    // French, German, Italian, Dutch
    "bonjour", "bonsoir", "coucou", "dringend", "buongiorno", "buonasera", "domanda",
    "disponibile", "attimo", "goedemorgen", "goedemiddag", "vraagje", "beschikbaar",
    // Scandinavian, Polish
    "spørsmål", "spørgsmål", "pytanie", "dostępny", "dostępna", "chwilkę", "minutkę",
    // Russian, Ukrainian, Turkish, Hindi
    "здравствуйте", "вопрос", "минутка", "минутку", "свободен", "свободна", "срочно",
    "привіт", "питання", "хвилинка", "хвилинку", "merhaba", "günaydın", "müsait", "namaste",
];

/// Acknowledgements and thanks: they answer something, so they are never pings.
#[rustfmt::skip]
pub(super) const ACKNOWLEDGEMENTS: &[&str] = &[
    "thanks", "thank you", "thx", "thnx", "thanx", "ty", "tysm", "tks", "cheers", "ok", "okay",
    "okey", "k", "kk", "lgtm", "sgtm", "sure", "yes", "yep", "yeah", "yup", "no", "nope", "done",
    "noted", "got it", "will do", "roger", "ack", "np", "cool", "nice", "great", "perfect",
    "awesome", "agreed", "merged", "fixed", "approved", "bye", "cya", "brb", "afk", "gracias",
    "vale", "listo", "obrigado", "obrigada", "valeu", "merci", "d'accord", "danke", "passt",
    "alles klar", "grazie", "perfetto", "dank je", "bedankt", "tack", "takk", "tak", "dzięki",
    "dziękuję", "спасибо", "ок", "ладно", "понял", "дякую", "добре", "teşekkürler", "tamam",
    "sağol", "dhanyavaad", "shukriya", "theek hai", "ありがとう", "了解", "承知しました", "谢谢", "好的", "收到",
    "감사합니다", "네", "알겠습니다", "nvm", "nevermind", "never mind", "test", "testing", "disregard",
    "ignore", "ignore me",
];

/// Answers that mean "nothing to report" (standup blockers). Matched against the whole answer.
#[rustfmt::skip]
pub(super) const NONE_WORDS: &[&str] = &[
    // English
    "none", "nothing", "no", "nope", "n/a", "na", "nil", "null", "nah", "-", "--", "---", "—", "–",
    "no blockers", "no blocker", "none so far", "nothing so far", "nothing blocking",
    "nothing today", "none today", "not really", "no blockers today", "all good", "nothing atm",
    // Spanish, Portuguese
    "nada", "ninguno", "ninguna", "ningún bloqueo", "sin bloqueos", "nenhum", "nenhuma", "não",
    "nao", "sem bloqueios",
    // French, German, Italian, Dutch
    "rien", "aucun", "aucune", "non", "néant", "keine", "kein", "keiner", "nichts", "nein",
    "nessuno", "niente", "nulla", "geen", "niets", "nee",
    // Scandinavian, Polish
    "inga", "ingen", "inget", "intet", "ingenting", "nej", "nei", "brak", "nic", "nie",
    // Russian, Ukrainian, Turkish, Hindi
    "нет", "ничего", "никаких", "ні", "немає", "нічого", "yok", "hiç", "hayır", "hiçbiri", "nahi",
    "nahin", "kuch nahi", "koi nahi", "कुछ नहीं", "नहीं",
    // Japanese, Chinese, Korean
    "なし", "無し", "ない", "特になし", "特に無し", "ありません", "无", "無", "没有", "沒有", "없음", "없어요", "없습니다", "없다",
];
