// Memory search at year scale: a home made by `aos init` plus a generated year (365 daily logs of
// ~100 entries, 2,000+ memory topics, a few hundred done items, goals), then, as whole processes:
//   - cold index build: `aos memory search` with no cache;
//   - refresh after one changed file (an entry appended to a log; a memory edited);
//   - warm `aos memory search` against `node -e 0`, interleaved in the same run (goal: within 4x);
//   - retrieval quality: questions about facts planted in known memories (in topics of their own,
//     or inside unrelated ones) and log entries, each asked with some of the fact's words, inflected
//     and ordered differently, among question words (hit@5; goal at least 0.9), and, for facts that
//     changed, how often the current memory ranks above the superseded one.
// The generated text reuses the facts' vocabulary (places, people's roles, dishes, cities ...) one
// value at a time, so each word of a question is common and only their combination points to the fact.
// Deterministic (seeded); BENCH_RUNS sets the warm runs (default 21), BENCH_KEEP=1 keeps the home,
// BENCH_VERBOSE=1 lists the questions missed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync, existsSync, appendFileSync, readFileSync, rmSync, statSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aos, dropSnapshot, env, root, starter } from './build.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 21);

// ---------------------------------------------------------------- a seeded world

let seed = 20261121;
function rnd() {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
const cap = (s) => s[0].toUpperCase() + s.slice(1);
const pad = (n, w = 2) => String(n).padStart(w, '0');

const FIRST = 'Ana Bruno Carla Diogo Elena Filipe Greta Hugo Ines Joao Katja Luis Marta Nuno Olga Pedro Quirine Rui Sofia Tomas Ursula Vasco Wanda Xavier Yara Zeca Amara Bernd Chiara Dmitri Eitan Fatima Gustav Hana Ivo Jonas Keiko Lena Mateus Noor'.split(' ');
const LAST = 'Almeida Brandt Castro Duarte Esteves Fonseca Garrido Halvorsen Ibarra Jansen Kowalski Lindqvist Moreau Nakamura Oliveira Petrov Quintela Rocha Santos Tavares Urbano Valente Weber Xavier Yilmaz Zapata Abreu Bianchi Carvalho Dekker Engel Ferreira Gouveia Horvath Iglesias Jorge Kaur Lopes Moura Novak'.split(' ');
// People in facts have names of their own, so a question naming them is answerable.
const FACT_FIRST = 'Adele Bastian Celeste Dorian Esme Florian Gisela Horatio Imogen Jasper Leopold Mirela Octavia Percival Rosalind Severin Thaddeus Valentina Wilhelmina Zoltan'.split(' ');
const FACT_LAST = 'Arkwright Blomqvist Cavendish Drummond Eberhardt Fairweather Grimaldi Hargreaves Ilyushin Jablonski Kettering Lockhart Montgomery Nightingale Ostrowski Pemberton Quarrington Rutherford Sinclair Thistlewood Umbridge Vanderbilt Whitlock Yarborough Zabrowski Achterberg Bellingham Castellanos Delacroix Esterhazy'.split(' ');
const PLACES = 'Alfama Graca Belem Campo-de-Ourique Estrela Lapa Principe-Real Chiado Arroios Benfica Alvalade Marvila Ajuda Areeiro Intendente Cascais Sintra Setubal Almada Oeiras Carcavelos Ericeira Mafra Barreiro Montijo Seixal Amadora Odivelas Loures Parede'.split(' ');
const CITIES = 'Porto Madrid Seville Valencia Bilbao Paris Lyon Marseille Berlin Hamburg Munich Vienna Prague Krakow Warsaw Budapest Zagreb Ljubljana Milan Turin Bologna Naples Rome Athens Lisbon Faro Coimbra Braga Granada Malaga Amsterdam Rotterdam Brussels Ghent Copenhagen Stockholm Oslo Helsinki Dublin Edinburgh'.split(' ');
const ROLES = ['dentist', 'accountant', 'piano teacher', 'landlord', 'plumber', 'mechanic', 'physiotherapist', 'vet', 'hairdresser', 'tax advisor', 'yoga instructor', 'notary', 'electrician', 'pediatrician', 'lawyer', 'tailor', 'optician', 'architect', 'gardener', 'bike mechanic', 'dermatologist', 'cardiologist', 'locksmith', 'translator', 'tutor'];
const DAYS = 'Monday Tuesday Wednesday Thursday Friday Saturday Sunday'.split(' ');
const MONTHS = 'January February March April May June July August September October November December'.split(' ');
const FACILITIES = ['storage unit', 'coworking space', 'gym', 'studio', 'garage', 'allotment', 'office', 'beach hut', 'bike shed', 'rehearsal room', 'workshop', 'lab'];
const CODE_THINGS = ['door code', 'gate code', 'locker number', 'wifi password', 'alarm PIN', 'mailbox key', 'parking permit'];
const DISHES = ['grilled sardines', 'octopus rice', 'ramen', 'dumplings', 'falafel', 'pastel de nata', 'bacalhau', 'biryani', 'pho', 'tacos', 'risotto', 'cataplana', 'bifana', 'ceviche', 'shakshuka', 'pierogi', 'gnocchi', 'tapas', 'croissants', 'moussaka'];
const AIRLINES = ['TAP', 'Iberia', 'Lufthansa', 'KLM', 'Ryanair', 'easyJet', 'Vueling', 'Transavia', 'Air France', 'SAS'];
const RELATIVES = ['mother', 'father', 'sister', 'brother', 'niece', 'nephew', 'grandmother', 'grandfather', 'aunt', 'uncle', 'godson', 'cousin'];
const GIFTS = ['fountain pen', 'ceramic teapot', 'hiking boots', 'watercolour set', 'record player', 'cookbook', 'wool scarf', 'telescope', 'board game', 'bonsai tree', 'espresso machine', 'kite'];
const MEASURES = ['resting heart rate', 'blood pressure', 'cholesterol', 'vitamin D level', 'body weight', 'sleep score', 'VO2 max', 'ferritin'];
const SYL = 'ka ve lo ri tam bor sen dra mik ul os fen gal tor shi nex qua bel vin zor'.split(' ');
const codename = () => cap(pick(SYL) + pick(SYL) + pick(SYL));

// Topic vocabularies for the bulk of the text, so planted facts have realistic neighbours.
const TOPICS = {
  travel: 'train flight hotel ferry itinerary visa luggage booking platform timetable connection hostel airport terminal carriage ticket passport rental coach layover refund seat'.split(' '),
  cooking: 'recipe sourdough soup marinade oven pantry spices stock curry tart braise groceries knife fermentation starter broth dough roast salad'.split(' '),
  finance: 'invoice budget taxes pension mortgage receipt savings expenses subscription dividend transfer statement insurance premium payroll refund ledger'.split(' '),
  health: 'appointment prescription bloodwork physiotherapy knee sleep allergy vaccination checkup posture stretching diet hydration migraine clinic results'.split(' '),
  fitness: 'running intervals marathon swimming cycling squats tempo cadence rest mobility strength endurance kettlebell rowing climbing'.split(' '),
  language: 'essay vocabulary band grammar listening flashcards conjugation pronunciation reading writing speaking examiner descriptors paragraph coherence'.split(' '),
  work: 'deploy migration release incident database dashboard sprint retrospective roadmap review staging rollback latency monitoring backlog hiring onboarding'.split(' '),
  home: 'boiler leak lease painting shelves washer insulation window garden tomatoes compost roof gutter radiator curtains furniture'.split(' '),
  reading: 'novel chapter library biography audiobook highlights bookclub poetry translation memoir essays anthology'.split(' '),
  music: 'piano scales sonata concert rehearsal metronome sheet guitar chords harmony recital ensemble'.split(' '),
  admin: 'renewal permit claim inspection utility notary registration appointment form deadline certificate'.split(' '),
};
const TOPIC_NAMES = Object.keys(TOPICS);
const AGENTS = ['chief', 'researcher', 'coder', 'tutor', 'writer', 'planner', 'bookkeeper', 'coach'];
const KINDS = ['tick', 'tick', 'tick', 'note', 'note', 'inbox', 'delegate', 'schedule', 'reply'];
const VERBS = ['checked', 'compared', 'summarised', 'booked', 'cancelled', 'rescheduled', 'confirmed', 'drafted', 'reviewed', 'updated', 'found', 'tracked', 'organised', 'planned', 'fixed', 'sorted'];
const ADJS = ['cheaper', 'faster', 'overdue', 'quarterly', 'recurring', 'weekly', 'monthly', 'urgent', 'optional', 'seasonal', 'shorter', 'longer', 'quieter', 'reliable'];

function words(topic, n) {
  const bank = TOPICS[topic];
  return Array.from({ length: n }, () => pick(bank));
}
function person() {
  return `${pick(FIRST)} ${pick(LAST)}`;
}
// Each sentence uses at most one of the values facts are made of (a place, a role, a dish ...), so
// the words of a question are common one by one, and together mostly where the fact is.
function sentence(topic) {
  const [a, b, c] = words(topic, 3);
  const templates = [
    () => `${cap(pick(VERBS))} the ${a} and the ${b} for the ${pick(ADJS)} ${c}.`,
    () => `The owner wants the ${a} ${pick(['before', 'after', 'instead of'])} the ${b}; ${pick(VERBS)} ${pick(['it', 'both', 'the options'])} on ${pick(DAYS)}.`,
    () => `${person()} ${pick(VERBS)} the ${a}; the ${b} is ${pick(ADJS)} than last ${pick(['week', 'month', 'time'])}.`,
    () => `Asked the ${pick(ROLES)} about the ${a}; answer expected soon.`,
    () => `${cap(a)} notes: ${int(2, 9)} items, ${int(1, 5)} ${b} left, next ${c} in ${pick(MONTHS)}.`,
    () => `Went past ${pick(PLACES).replace(/-/g, ' ')} for the ${a}; the ${b} can wait.`,
    () => `The ${pick(FACILITIES)} was ${pick(['busy', 'closed', 'quiet', 'cold'])} today; ${pick(VERBS)} the ${a}.`,
    () => `Changed the ${pick(CODE_THINGS)} reminder; ${pick(VERBS)} the ${b}.`,
    () => `Tried ${pick(DISHES)} for lunch while sorting the ${a}; ${pick(['good', 'fine', 'too salty', 'worth repeating'])}.`,
    () => `${cap(pick(VERBS))} options to ${pick(CITIES)} for the ${b}; ${pick(['no', 'two', 'three'])} direct ${pick(['flights', 'trains'])}.`,
    () => `${pick(AIRLINES)} changed its baggage rules; ${pick(VERBS)} the ${a}.`,
    () => `The ${pick(RELATIVES)} mentioned the ${a}; ${pick(VERBS)} the ${c}.`,
    () => `Saw a ${pick(GIFTS)} in a shop window on the way to the ${a}.`,
    () => `${cap(pick(MEASURES))} ${pick(['steady', 'up a little', 'down', 'unchanged'])} this ${pick(['week', 'month'])}; ${pick(VERBS)} the ${a}.`,
  ];
  return pick(templates)();
}

// ---------------------------------------------------------------- planted facts and their questions

const facts = []; // { kind: 'memory' | 'log', text, title?, question, status?, updateOf? }
const used = new Set();
function unique(key) {
  if (used.has(key)) return false;
  used.add(key);
  return true;
}

// Each maker returns a fact (its text, a title for a memory of its own, and a question made of some
// of its words, inflected and ordered differently, among question words), or null when its values
// are used up. Values that would make two facts answer one question are used once.
const sp = (place) => place.replace(/-/g, ' ');
function factPerson() {
  const role = pick(ROLES), first = pick(FACT_FIRST), last = pick(FACT_LAST), place = pick(PLACES), day = pick(DAYS);
  if (!unique(`p:${last}`) || !unique(`pr:${role}:${place}`)) return null;
  return {
    title: `${cap(role)}: ${first} ${last}`,
    text: `${first} ${last} is the owner's ${role}; the practice is in ${sp(place)} and the usual slot is ${day} at ${int(8, 18)}:${pick(['00', '30'])}.`,
    question: pick([`when is my usual slot with ${last}?`, `where is ${first} ${last}'s practice?`, `${role} with a practice in ${sp(place)}`]),
  };
}
function factCode(facility, place, thing, code) {
  return {
    title: `${cap(thing)} for the ${sp(place)} ${facility}`,
    text: `The ${thing} for the ${sp(place)} ${facility} is ${code}; keep it out of shared notes.`,
    question: pick([`what's the ${thing} of the ${facility} in ${sp(place)}?`, `${sp(place)} ${facility}s ${thing}`]),
  };
}
function factFood() {
  const dish = pick(DISHES), place = pick(PLACES), name = `Casa ${codename()}`;
  if (!unique(`f:${dish}:${place}`)) return null;
  return {
    title: `Best ${dish} in ${sp(place)}`,
    text: `The best ${dish} the owner found is at ${name} in ${sp(place)}; book ahead on ${pick(DAYS)}s and ask for the terrace table.`,
    question: pick([`where were the best ${dish} in ${sp(place)}?`, `${dish} in ${sp(place)}: which place to book?`, `booking the terrace at ${name}`]),
  };
}
function factProject() {
  const name = codename(), milestone = pick(['launch', 'beta', 'migration', 'audit', 'rollout', 'kickoff']), month = pick(MONTHS);
  if (!unique(`pj:${name}`)) return null;
  const reason = pick(['the vendor contract slipped', 'the data export is not ready', 'the team is short of two engineers', 'the legal review takes longer', 'the pilot users asked for more time']);
  return {
    title: `${name} ${milestone} moved to ${month}`,
    text: `Decided to move the ${name} ${milestone} to ${month} because ${reason}.`,
    question: pick([`when is the ${name} ${milestone} now?`, `why was the ${milestone} of ${name} moved?`]),
  };
}
function factFlight() {
  const airline = pick(AIRLINES), city = pick(CITIES);
  if (!unique(`fl:${city}`)) return null;
  return {
    title: `Flight to ${city}`,
    text: `Booked ${airline} flight ${airline.slice(0, 2).toUpperCase()}${int(100, 9999)} to ${city} on ${int(1, 28)} ${pick(MONTHS)}, seat ${int(2, 34)}${pick(['A', 'C', 'D', 'F'])}, one cabin bag only.`,
    question: pick([`my seat on the flight to ${city}`, `${airline} booking to ${city}`, `which flight did I book to ${city}?`]),
  };
}
function factGift() {
  const rel = pick(RELATIVES), gift = pick(GIFTS), shop = `${codename()} ${pick(['Store', 'Atelier', 'Market', 'Shop'])}`;
  if (!unique(`g:${rel}`)) return null;
  return {
    title: `Present for the ${rel}: ${gift}`,
    text: `Birthday present for the ${rel} this year: the ${gift} from ${shop}, wrapped in blue.`,
    question: pick([`what birthday presents for my ${rel}?`, `${gift} present for the ${rel}`]),
  };
}
function factMeasure() {
  const m = pick(MEASURES), role = pick(['cardiologist', 'dermatologist', 'physiotherapist', 'dentist', 'coach']);
  if (!unique(`m:${m}:${role}`)) return null;
  return {
    title: `${cap(m)} target`,
    text: `The ${role} wants the owner's ${m} measured every ${pick(DAYS)} morning and kept under ${int(40, 200)}.`,
    question: pick([`how often does the ${role} want my ${m} measured?`, `${m} measurements the ${role} wants`]),
  };
}
const MAKERS = [factPerson, factFood, factProject, factFlight, factGift, factMeasure];
/** A fact whose question no other fact has. */
function newFact() {
  for (;;) {
    const f = pick(MAKERS)();
    if (f && unique(`q:${f.question}`)) return f;
  }
}

// 70 facts in memories, 60 in log entries, and 20 facts that changed (current and superseded memory).
for (let i = 0; i < 70; i++) facts.push({ kind: 'memory', dedicated: i % 2 === 0, ...newFact() });
for (let i = 0; i < 60; i++) facts.push({ kind: 'log', ...newFact() });
const updates = [];
for (let i = 0; i < 20; i++) {
  let facility, place, thing;
  do {
    facility = pick(FACILITIES);
    place = pick(PLACES);
    thing = pick(CODE_THINGS);
  } while (!unique(`c:${facility}:${place}:${thing}`) || !unique(`c:${facility}:${place}`));
  const old = factCode(facility, place, thing, int(1000, 9999));
  const cur = factCode(facility, place, thing, int(1000, 9999));
  updates.push({ old, cur, question: cur.question });
}

// ---------------------------------------------------------------- the home

const base = mkdtempSync(join(tmpdir(), 'aos-bench-memory-'));
const home = join(base, 'home');
const t0 = Date.now();
// aos init reads the starter files next to the real build.
const init = spawnSync(process.execPath, [starter, 'init', home, '--timezone', 'UTC', '--owner', 'Alex'], { env, encoding: 'utf8' });
if (init.status !== 0) throw new Error(init.stderr);
const write = (rel, text) => {
  mkdirSync(dirname(join(home, rel)), { recursive: true });
  writeFileSync(join(home, rel), text);
};

// Days: 2025-12-01 .. 2026-11-30.
const days = [];
for (let t = Date.parse('2025-12-01T00:00:00Z'); days.length < 365; t += 86400000) days.push(new Date(t).toISOString().slice(0, 10));
const expected = []; // { question, file, line?, type }

// Memory topics.
const slugs = new Set();
function slugOf(title) {
  let s = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60).replace(/-$/, '');
  let n = 2;
  while (slugs.has(s)) s = `${s.replace(/-\d+$/, '')}-${n++}`;
  slugs.add(s);
  return s;
}
function memoryText({ title, type, description, created, updated, status, tags, body, supersedes, superseded_by }) {
  const q = (s) => JSON.stringify(s);
  return [
    '---',
    `title: ${q(title)}`,
    `type: ${type}`,
    `description: ${q(description.slice(0, 150))}`,
    `created: ${created}`,
    ...(updated ? [`updated: ${updated}`] : []),
    `status: ${status}`,
    ...(supersedes ? [`supersedes: [${supersedes}]`] : []),
    ...(superseded_by ? [`superseded_by: ${superseded_by}`] : []),
    `tags: [${tags.join(', ')}]`,
    '---',
    body,
    '',
  ].join('\n');
}
const TYPES = ['fact', 'decision', 'lesson', 'preference', 'person', 'project'];
const memoryFacts = facts.filter((f) => f.kind === 'memory');
const generic = [];
let memories = 0;
for (let i = 0; i < 2000; i++) {
  const topic = pick(TOPIC_NAMES);
  const [a, b] = words(topic, 2);
  const title = `${cap(pick(ADJS))} ${a} ${pick(['plan', 'notes', 'choice', 'habit', 'rule', 'review', 'setup', 'lesson'])} ${pick(['with ' + pick(FIRST), 'in ' + pick(PLACES).replace(/-/g, ' '), 'for ' + b, 'since ' + pick(MONTHS)])}`;
  const created = pick(days);
  const status = rnd() < 0.88 ? 'active' : rnd() < 0.6 ? 'superseded' : 'stale';
  const body = Array.from({ length: int(2, 6) }, () => sentence(rnd() < 0.8 ? topic : pick(TOPIC_NAMES))).join(' ');
  const slug = slugOf(title);
  generic.push({ slug, topic, title, created, status, body });
  memories++;
}
// Facts planted in generic memories (the title says nothing about them) or in their own topic.
let gi = 0;
for (const f of memoryFacts) {
  if (f.dedicated) {
    const slug = slugOf(f.title);
    const created = pick(days);
    write(`memory/${slug}.md`, memoryText({ title: f.title, type: 'fact', description: f.text.split(';')[0].slice(0, 140), created, status: 'active', tags: ['planted'], body: `${sentence(pick(TOPIC_NAMES))} ${f.text}` }));
    memories++;
    expected.push({ question: f.question, file: `memory/${slug}.md`, type: 'memory' });
  } else {
    const g = generic[(gi += 7) % generic.length];
    g.status = 'active';
    g.body = `${g.body.split('. ')[0]}. ${f.text} ${g.body.split('. ').slice(1).join('. ')}`.trim();
    expected.push({ question: f.question, file: `memory/${g.slug}.md`, type: 'memory' });
  }
}
for (const g of generic) {
  const [a] = words(g.topic, 1);
  write(`memory/${g.slug}.md`, memoryText({ title: g.title, type: pick(TYPES), description: `${cap(a)} and what to do about it (${g.topic})`, created: g.created, updated: rnd() < 0.3 ? pick(days) : undefined, status: g.status, tags: [g.topic], body: g.body }));
}
// Facts that changed: the old memory superseded by the current one.
const updateChecks = [];
for (const u of updates) {
  const oldSlug = slugOf(u.old.title + ' old');
  const curSlug = slugOf(u.cur.title);
  write(`memory/${oldSlug}.md`, memoryText({ title: u.old.title, type: 'fact', description: u.old.text.split(';')[0], created: '2026-02-01', status: 'superseded', superseded_by: curSlug, tags: ['access'], body: u.old.text }));
  write(`memory/${curSlug}.md`, memoryText({ title: u.cur.title, type: 'fact', description: u.cur.text.split(';')[0], created: '2026-09-01', status: 'active', supersedes: oldSlug, tags: ['access'], body: u.cur.text }));
  memories += 2;
  expected.push({ question: u.question, file: `memory/${curSlug}.md`, type: 'memory' });
  updateChecks.push({ question: u.question, current: `memory/${curSlug}.md`, old: `memory/${oldSlug}.md` });
}

// The daily log: ~100 entries a day; log facts go into entries of random days.
const logFacts = facts.filter((f) => f.kind === 'log');
const plantAt = new Map();
for (const f of logFacts) {
  let at;
  do at = { day: int(0, days.length - 1), entry: int(0, 95) };
  while (!unique(`at:${at.day}:${at.entry}`));
  plantAt.set(f, at);
}
let entries = 0;
days.forEach((day, d) => {
  const lines = [`# ${day}`];
  const n = 98 + (d % 5);
  let secs = 6 * 3600;
  for (let e = 0; e < n; e++) {
    secs += int(60, 600);
    const s = Math.min(secs, 86399);
    const time = `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
    const run = `r-${day.replace(/-/g, '')}T${time.replace(/:/g, '')}-${Math.floor(rnd() * 36 ** 4).toString(36).padStart(4, '0')}`;
    const topic = pick(TOPIC_NAMES);
    let body = Array.from({ length: int(1, 3) }, () => sentence(topic)).join(' ');
    for (const [f, at] of plantAt) {
      if (at.day === d && at.entry === e) {
        body = `${body.split('. ')[0]}. ${f.text}`;
        expected.push({ question: f.question, file: `logs/${day.slice(0, 4)}/${day.slice(5, 7)}/${day}.md`, line: lines.length + 2, type: 'log' });
      }
    }
    lines.push('', `## ${time} · ${pick(KINDS)} · ${pick(AGENTS)} · ${run}`, body);
    entries++;
  }
  write(`logs/${day.slice(0, 4)}/${day.slice(5, 7)}/${day}.md`, lines.join('\n') + '\n');
});

// Done items and goals.
for (let i = 0; i < 300; i++) {
  const day = pick(days);
  const topic = pick(TOPIC_NAMES);
  const id = `${day.replace(/-/g, '')}T${pad(int(6, 22))}${pad(int(0, 59))}${pad(int(0, 59))}-${Math.floor(rnd() * 36 ** 4).toString(36).padStart(4, '0')}`;
  const [a, b] = words(topic, 2);
  const subject = `${cap(pick(VERBS).replace(/ed$/, ''))} the ${a} ${pick(['for', 'before', 'after'])} the ${b}`;
  write(
    `inbox/done/${day.slice(0, 4)}/${day.slice(5, 7)}/${id}.md`,
    `---\nid: ${id}\nfrom: owner\nkind: task\ncreated: ${day}T09:00:00+00:00\nstatus: done\nhandled_by: ${pick(AGENTS)}\nfinished: ${day}T10:00:00+00:00\n---\n${subject}.\n\n## Result\n${sentence(topic)} ${sentence(topic)}\n`,
  );
}
for (let i = 0; i < 5; i++) {
  const topic = pick(['fitness', 'language', 'music', 'finance', 'reading']);
  const [a, b] = words(topic, 2);
  write(
    `goals/${topic}-${i}.md`,
    `---\ntitle: "${cap(topic)} goal ${i}: better ${a}"\nstatus: active\nowner: chief\nskills:\n  - id: ${a.replace(/[^a-z]/g, '')}-skill\n    name: ${cap(a)} practice\n    weight: 1\n    baseline: 1\n    current: 2\n    target: 5\n    cadence: daily\n    drill: Practise the ${a} and the ${b} for twenty minutes.\n---\n## Plan\n${sentence(topic)} ${sentence(topic)}\n\n## History\n- ${pick(days)} ${a} 2 — ${sentence(topic)}\n`,
  );
}
const genSeconds = (Date.now() - t0) / 1000;

// ---------------------------------------------------------------- measurements

const cacheFile = join(home, '.aos/search/index');
function time(args) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [aos, ...args], { cwd: home, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`aos ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { ms, out: r.stdout };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`memory search, a year-scale home (generated in ${genSeconds.toFixed(1)} s): ${entries} log entries in ${days.length} daily files, ${memories} memory topics, 300 done items, 6 goals`);

// Cold: no cache at all.
rmSync(join(home, '.aos/search'), { recursive: true, force: true });
const cold = time(['memory', 'search', 'gate code storage unit', '--json']);
const coldCount = JSON.parse(cold.out).hits.length;
console.log(`cold index build (whole process, no cache)       ${(cold.ms / 1000).toFixed(2).padStart(7)} s   (cache ${(statSync(cacheFile).size / 1e6).toFixed(1)} MB, ${coldCount} hits)`);

// Refresh: one changed file, three times each, median.
const lastLog = join(home, `logs/${days.at(-1).slice(0, 4)}/${days.at(-1).slice(5, 7)}/${days.at(-1)}.md`);
const logRefresh = [];
const memRefresh = [];
const appended = [];
for (let i = 0; i < 3; i++) {
  appended.push(readFileSync(lastLog, 'utf8').split('\n').length + 1);
  appendFileSync(lastLog, `\n## 23:59:0${i} · note · researcher · r-bench-${i}\nThe owner asked about the quokka sanctuary visit number ${i}.\n`);
  logRefresh.push(time(['memory', 'search', 'quokka sanctuary']).ms);
  const g = generic[i * 13];
  appendFileSync(join(home, `memory/${g.slug}.md`), `\nEdited in the bench: the wombat ferry leaves at ${i + 7}:15.\n`);
  memRefresh.push(time(['memory', 'search', 'wombat ferry']).ms);
}
// Adjacent entries come back as one hit spanning them: an entry is found when a hit holds its heading.
const quokkas = JSON.parse(time(['memory', 'search', 'quokka sanctuary', '--json']).out).hits.filter((h) => h.file === lastLog.slice(home.length + 1));
const found = appended.filter((line) => quokkas.some((h) => (h.span ? h.span[0] <= line && line <= h.span[1] : h.line === line))).length;
console.log(`refresh after one appended log entry (process)  ${median(logRefresh).toFixed(0).padStart(7)} ms  (median of 3; new entries found: ${found}/3)`);
console.log(`refresh after one edited memory (process)       ${median(memRefresh).toFixed(0).padStart(7)} ms  (median of 3)`);

// Warm: interleaved with node -e 0.
const queries = ['gate code storage unit', 'train to Porto timetable', 'quarterly budget review', 'piano rehearsal metronome', 'dentist appointment Tuesday'];
const warm = [];
const node = [];
const version = [];
for (let r = 0; r < runs; r++) {
  let t = process.hrtime.bigint();
  spawnSync(process.execPath, ['-e', '0'], { env });
  node.push(Number(process.hrtime.bigint() - t) / 1e6);
  t = process.hrtime.bigint();
  spawnSync(process.execPath, [aos, '--version'], { env, cwd: home });
  version.push(Number(process.hrtime.bigint() - t) / 1e6);
  warm.push(time(['memory', 'search', queries[r % queries.length]]).ms);
}
const ratio = median(warm) / median(node);
console.log(`node -e 0                                       ${median(node).toFixed(1).padStart(7)} ms`);
console.log(`aos --version                                   ${median(version).toFixed(1).padStart(7)} ms  ${(median(version) / median(node)).toFixed(2)}x`);
console.log(`aos memory search (warm cache)                  ${median(warm).toFixed(1).padStart(7)} ms  ${ratio.toFixed(2)}x   (median of ${runs}, interleaved)`);
console.log(`goal: warm search within 4x of node -e 0 — ${ratio <= 4 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}x)`);

// Retrieval quality.
let hit1 = 0;
let hit5 = 0;
let rr = 0;
const misses = [];
for (const q of expected) {
  const hits = JSON.parse(time(['memory', 'search', q.question, '--limit', '5', '--json']).out).hits;
  const at = hits.findIndex((h) => h.file === q.file && (q.line === undefined || h.line === q.line));
  if (at === 0) hit1++;
  if (at >= 0) {
    hit5++;
    rr += 1 / (at + 1);
  } else misses.push(q);
}
let currentFirst = 0;
for (const u of updateChecks) {
  const hits = JSON.parse(time(['memory', 'search', u.question, '--limit', '10', '--json']).out).hits.map((h) => h.file);
  const c = hits.indexOf(u.current);
  const o = hits.indexOf(u.old);
  if (c >= 0 && (o < 0 || c < o)) currentFirst++;
}
const n = expected.length;
console.log(`retrieval: ${n} questions (${expected.filter((e) => e.type === 'memory').length} about memories, ${expected.filter((e) => e.type === 'log').length} about log entries)`);
console.log(`hit@1 ${(hit1 / n).toFixed(3)}   hit@5 ${(hit5 / n).toFixed(3)}   MRR@5 ${(rr / n).toFixed(3)}`);
console.log(`changed facts: current memory above the superseded one in ${currentFirst}/${updateChecks.length}`);
console.log(`goal: hit@5 at least 0.9 — ${hit5 / n >= 0.9 ? 'met' : 'NOT met'} (${(hit5 / n).toFixed(3)})`);
if (process.env.BENCH_VERBOSE) for (const m of misses) console.log(`  missed: "${m.question}" → ${m.file}${m.line ? ':' + m.line : ''}`);
dropSnapshot();
rmSync(env.HOME, { recursive: true, force: true });
if (!process.env.BENCH_KEEP) rmSync(base, { recursive: true, force: true });
else console.log(`home kept at ${home}`);
