// A generated multi-session conversation world for bench/recall.mjs. Deterministic for a seed.
//
// Friends talk in sessions (a session is one evening's chat between two of them); every turn is a
// daily-log entry `## HH:MM:SS · chat · <speaker> · s-<session>` in the home's real log format, next
// to the agents' own busy entries of the same days (noise). People's lives change over the months
// (a new job, a move, a pet, a race, a dish cooked each month ...) and the questions ask about them:
//   single-hop   the evidence is one turn
//   multi-hop    two turns of one person in different sessions
//   temporal     a date: "When did ...", "What did X cook last May?", "... three weeks ago?"
//   open-domain  a person's interests, asked in other words than they were said
// Each question carries its evidence (file and heading line of each turn) and the day it is asked.
// With opts.topics, a memory topic per person as the dream writes them (facts citing their turns);
// with opts.topics 'facts', a topic per fact instead.

export function makeRng(seed) {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MONTHS = 'January February March April May June July August September October November December'.split(' ');
const NAMES = 'Carla Bruno Marta Diogo Ines Tomas Sofia Rui Lena Hugo Yara Nuno Olga Vasco Keiko Mateus Noor Jonas'.split(' ');
const CITIES = 'Porto Braga Coimbra Faro Madrid Seville Valencia Lyon Berlin Vienna Prague Krakow Milan Ghent Dublin Oslo'.split(' ');
const JOBS = [
  ['nurse', 'the children\'s hospital'],
  ['data analyst', 'an insurance company'],
  ['architect', 'a small studio'],
  ['chef', 'a seafood restaurant'],
  ['teacher', 'the primary school'],
  ['pharmacist', 'the corner pharmacy'],
  ['journalist', 'the city newspaper'],
  ['carpenter', 'a furniture workshop'],
  ['translator', 'a publishing house'],
  ['software tester', 'a game company'],
  ['librarian', 'the university library'],
  ['baker', 'the bakery by the market'],
];
const PETS = [
  ['greyhound', 'dog'],
  ['tabby kitten', 'cat'],
  ['parrot', 'bird'],
  ['tortoise', 'reptile'],
  ['beagle', 'dog'],
  ['ferret', 'pet'],
  ['rabbit', 'bunny'],
  ['goldfish', 'fish'],
];
const PET_NAMES = 'Luna Biscuit Pepper Mango Olive Rocket Nutmeg Pixel Clementine Waffle Juniper Noodle'.split(' ');
const DISHES = 'lasagna paella moussaka ramen curry risotto gazpacho goulash feijoada dumplings shakshuka tagine ceviche pierogi'.split(' ');
const RACES = [['half marathon', 'running'], ['triathlon', 'swimming'], ['cycling sportive', 'cycling'], ['10k trail race', 'trail running'], ['open water swim', 'swimming']];
// Interests said in one way and asked in another (the open-domain questions).
const INTERESTS = [
  { said: 'I spent the whole weekend photographing birds at the estuary with my new telephoto lens', asked: 'Is {p} into wildlife photography?', key: 'photograph' },
  { said: 'I have been volunteering at the animal shelter every Saturday morning', asked: 'What volunteer work does {p} do?', key: 'volunteer' },
  { said: 'I finally finished knitting the blanket, it took me four months of evenings', asked: 'What crafts does {p} enjoy, like knitted things?', key: 'knit' },
  { said: 'We went climbing in the gorge again, I managed the overhang route', asked: 'Does {p} like rock climbing outdoors?', key: 'climb' },
  { said: 'I have been learning to play the cello, my teacher says my bowing improved', asked: 'Which instrument is {p} learning to play?', key: 'cello' },
  { said: 'I planted tomatoes and peppers on the balcony, the garden is finally growing', asked: 'Does {p} have a balcony garden with plants?', key: 'garden' },
  { said: 'I keep reading crime novels, I finished three of them on the train this week', asked: 'What kind of books does {p} read?', key: 'novel' },
  { said: 'I signed up for a pottery class, my first bowl came out lopsided', asked: 'Has {p} been making pottery or ceramics?', key: 'pottery' },
  { said: 'I started meditating every morning before work, ten minutes with an app', asked: 'Does {p} have a meditation routine?', key: 'meditat' },
  { said: 'I organised a board game night at my place, we played until two', asked: 'Does {p} host game nights?', key: 'game' },
  { said: 'I have been baking sourdough bread every Sunday, the starter is called Bob', asked: 'Does {p} bake bread at home?', key: 'sourdough' },
  { said: 'I joined a choir, we are singing at the cathedral in December', asked: 'Does {p} sing in a choir?', key: 'choir' },
];
const CHAT = [
  'How was your week? Mine was long but fine.',
  'Work has been busy, the deadline moved again.',
  'I slept badly, the neighbours had a party.',
  'Did you watch the match on Sunday? What a finish.',
  'We should get coffee soon, it has been ages.',
  'The weather turned cold so fast this week.',
  'My sister called, she says hello.',
  'I am so tired today, long day at work.',
  'Haha, that sounds exactly like you.',
  'That is great news, I am really happy for you!',
  'Oh no, I hope it gets better soon.',
  'Tell me more, what happened next?',
  'Same here, the weekend went by too fast.',
  'I cooked dinner for the family last night, everyone was hungry.',
  'The train was late again this morning.',
  'We walked by the river after lunch, it was lovely.',
  'I need a holiday, maybe somewhere warm.',
  'Let us plan a trip together this year.',
  'Send me pictures next time!',
  'I went to the market and bought too much fruit.',
  'My phone broke, I am using an old one for now.',
  'The new job at my friend\'s place sounds stressful.',
  'I moved the furniture around in the living room.',
  'We had a long dinner with friends on Friday.',
];
const GOSSIP = [
  'I ran into {p} at the market, they look well.',
  'Did you hear from {p}? They never answer my messages.',
  '{p} invited us for dinner next week, are you coming?',
  '{p} says the new job keeps them busy.',
  'I saw {p} at the gym, they are training for a race.',
  '{p} cooked for everyone on Saturday, too much food as always.',
  'We should ask {p} about the trip, they know the city.',
];
const AGENTS = ['chief', 'researcher', 'coder', 'planner', 'bookkeeper'];
const NOISE = [
  'Checked the {a} invoices and filed the receipts for the {b}.',
  'Compared train times to {c} for the owner; two direct connections a day.',
  'Drafted a reply to the landlord about the {a} repair.',
  'The owner asked to move the dentist appointment to {m}.',
  'Summarised the news on {a} and {b} for the morning brief.',
  'Found three recipes with {d} for the weekly meal plan.',
  'Booked a table for dinner on Friday; confirmed by email.',
  'Reviewed the budget: the {a} subscription renews in {m}.',
  'Sorted the inbox: {n} items handled, one waiting for the owner.',
  'Tracked the parcel from {c}; arrives Thursday.',
  'Planned the week: gym, groceries, the {a} meeting, a call with {p}.',
  'Updated the shopping list: {d} ingredients, coffee, soap.',
];
const NOISE_WORDS = 'electricity water internet gym insurance phone streaming parking garden boiler laptop bicycle'.split(' ');

export function generate(seed, opts = {}) {
  const rnd = makeRng(seed);
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const shuffle = (xs) => {
    const a = [...xs];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  };

  const people = shuffle(NAMES).slice(0, 16);
  // Days: 2026-01-05 .. 2026-10-31; 72 sessions on distinct days, in order.
  const start = Date.parse('2026-01-05T00:00:00Z');
  const allDays = [];
  for (let t = start; t <= Date.parse('2026-10-31T00:00:00Z'); t += 86400000) allDays.push(new Date(t).toISOString().slice(0, 10));
  const sessionDays = shuffle(allDays).slice(0, 72).sort();
  const asked = '2026-11-10';

  // The events of each person's year: planned first, then placed into sessions.
  const events = []; // { person, kind, text, reply, day?, keys }
  const shuffledJobs = shuffle(JOBS);
  const shuffledCities = shuffle(CITIES);
  const shuffledPets = shuffle(PETS);
  const petNames = shuffle(PET_NAMES);
  const shuffledInterests = shuffle(INTERESTS);
  const questions = [];
  const plan = [];
  people.forEach((p, i) => {
    const job1 = shuffledJobs[i % JOBS.length];
    const job2 = shuffledJobs[(i + 5) % JOBS.length];
    const city = shuffledCities[i % CITIES.length];
    const pet = shuffledPets[i % PETS.length];
    const petName = petNames[i % PET_NAMES.length];
    const race = RACES[i % RACES.length];
    const raceCity = shuffledCities[(i + 7) % CITIES.length];
    const interest = shuffledInterests[i % INTERESTS.length];
    const person = { name: p, job1, job2, city, pet, petName, race, raceCity, interest, events: {} };
    plan.push(person);
    const ev = (kind, text, reply, order) => {
      const e = { person: p, kind, text, reply, order };
      events.push(e);
      person.events[kind] = e;
      return e;
    };
    ev('job1', `I work as a ${job1[0]} at ${job1[1]} now, the team is nice.`, `A ${job1[0]}! That suits you.`, 0);
    ev('pet', `We adopted a ${pet[0]}, her name is ${petName}, she already sleeps on the sofa.`, `${petName} is such a good name for a ${pet[1]}!`, 1);
    ev('interest', `${interest.said}.`, 'That sounds like a lovely way to spend the time.', 1);
    ev('race', `I finished the ${race[0]} in ${raceCity}, my legs still hurt from all the ${race[1]}.`, `Well done, ${race[0]}s are hard!`, 2);
    ev('move', `Big news: I am moving to ${city} next month, I found a flat near the old town.`, `${city}? I will visit you there!`, 2);
    ev('job2', `I quit my old job, I start as a ${job2[0]} at ${job2[1]} on Monday.`, `Good luck with the new job as a ${job2[0]}!`, 3);
    // A dish cooked every month or so: only the date tells the questions apart.
    person.dishes = [];
  });

  // Place the events: each person's events in order across the sessions they take part in.
  // Sessions pair people; each person appears in several sessions.
  const sessions = sessionDays.map((day, s) => {
    const a = people[s % people.length];
    let b = pick(people);
    while (b === a) b = pick(people);
    return { no: s + 1, day, speakers: [a, b], turns: [] };
  });
  const sessionsOf = (p) => sessions.filter((s) => s.speakers.includes(p));
  for (const person of plan) {
    const mine = sessionsOf(person.name);
    const kinds = Object.values(person.events).sort((x, y) => x.order - y.order);
    // Spread the events over the person's sessions, in order, at most one event per session.
    const step = mine.length / kinds.length;
    kinds.forEach((e, k) => {
      const s = mine[Math.min(mine.length - 1, Math.floor(k * step + rnd() * step * 0.5))];
      e.session = s;
      s.turns.push({ speaker: person.name, text: e.text, event: e }, { speaker: s.speakers.find((x) => x !== person.name), text: e.reply });
    });
    // Dishes: cooked in many sessions of the person, a different one each month.
    const used = new Set();
    for (const s of mine) {
      if (rnd() < 0.15) continue;
      const dish = pick(DISHES);
      const month = s.day.slice(0, 7);
      const e = { person: person.name, kind: 'dish', text: pick([`Last night I cooked ${dish}, it came out well.`, `I made ${dish} for dinner yesterday, a bit too salty.`, `Cooked ${dish} again, the recipe from my grandmother.`]), dish, session: s, first: !used.has(month) };
      used.add(month);
      person.dishes.push(e);
      s.turns.push({ speaker: person.name, text: e.text, event: e }, { speaker: s.speakers.find((x) => x !== person.name), text: `Mmm, ${dish}, save me some next time.` });
    }
  }

  // Each session: its event turns among chit-chat, alternating speakers where possible.
  const days = new Map(); // day -> entries [{time, kind, agent, ref, body, event?}]
  for (const s of sessions) {
    const chat = [];
    const n = int(8, 14);
    for (let k = 0; k < n; k++) chat.push({ speaker: s.speakers[k % 2], text: rnd() < 0.25 ? pick(GOSSIP).replace('{p}', pick(people)) : pick(CHAT) });
    // Insert event pairs at random places in the chit-chat.
    const turns = [...chat];
    for (const pair of chunk(s.turns, 2)) turns.splice(int(0, turns.length), 0, ...pair);
    let secs = int(18, 20) * 3600 + int(0, 3599);
    const entries = turns.map((t) => {
      secs += int(20, 240);
      return { secs, kind: 'chat', agent: t.speaker.toLowerCase(), ref: `s-${s.no}`, body: `${t.speaker}: ${t.text}`, event: t.event };
    });
    days.set(s.day, entries);
  }
  // The agents' own entries on every day: the haystack.
  for (const day of allDays) {
    const list = days.get(day) ?? [];
    const n = int(8, 16);
    let secs = 7 * 3600;
    for (let k = 0; k < n; k++) {
      secs += int(300, 1800);
      const body = pick(NOISE)
        .replace('{a}', pick(NOISE_WORDS))
        .replace('{b}', pick(NOISE_WORDS))
        .replace('{c}', pick(CITIES))
        .replace('{d}', pick(DISHES))
        .replace('{m}', pick(MONTHS))
        .replace('{n}', String(int(2, 9)))
        .replace('{p}', pick(people));
      list.push({ secs: Math.min(secs, 17 * 3600), kind: pick(['tick', 'tick', 'note', 'inbox']), agent: pick(AGENTS), ref: `r-${day.replace(/-/g, '')}T${String(secs).padStart(6, '0')}-${Math.floor(rnd() * 36 ** 4).toString(36).padStart(4, '0')}`, body });
    }
    list.sort((x, y) => x.secs - y.secs);
    days.set(day, list);
  }

  // Files and each event's line.
  const files = [];
  let turnCount = 0;
  for (const day of [...days.keys()].sort()) {
    const lines = [`# ${day}`];
    for (const e of days.get(day)) {
      const hh = String(Math.floor(e.secs / 3600)).padStart(2, '0');
      const mm = String(Math.floor((e.secs % 3600) / 60)).padStart(2, '0');
      const ss = String(e.secs % 60).padStart(2, '0');
      lines.push('', `## ${hh}:${mm}:${ss} · ${e.kind} · ${e.agent} · ${e.ref}`, e.body);
      if (e.kind === 'chat') turnCount++;
      if (e.event) e.event.at = { file: `logs/${day.slice(0, 4)}/${day.slice(5, 7)}/${day}.md`, line: lines.length - 1, day };
    }
    files.push({ file: `logs/${day.slice(0, 4)}/${day.slice(5, 7)}/${day}.md`, text: lines.join('\n') + '\n' });
  }

  // Questions.
  const q = (type, text, evidence) => questions.push({ type, text, asked, evidence: evidence.map((e) => e.at) });
  const monthsAgo = (day) => {
    const a = new Date(`${asked}T00:00:00Z`);
    const d = new Date(`${day}T00:00:00Z`);
    return (a.getUTCFullYear() - d.getUTCFullYear()) * 12 + a.getUTCMonth() - d.getUTCMonth();
  };
  for (const person of plan) {
    const p = person.name;
    const E = person.events;
    // single-hop
    q('single-hop', pick([`What is the name of ${p}'s ${E.pet && person.pet[0]}?`, `What did ${p} name the ${person.pet[1]} they adopted?`]), [E.pet]);
    q('single-hop', pick([`Where did ${p} do the ${person.race[0]}?`, `Which city hosted the race ${p} finished?`]), [E.race]);
    q('single-hop', pick([`Which city is ${p} moving to?`, `Where did ${p} find a flat?`, `Where is ${p} relocating?`]), [E.move]);
    // multi-hop: two turns of one person, in different sessions
    q('multi-hop', `Did ${p} adopt the ${person.pet[1]} before or after moving to ${person.city}?`, [E.pet, E.move]);
    q('multi-hop', `How did ${p}'s job change over the year, from ${person.job1[0]} to what?`, [E.job1, E.job2]);
    q('multi-hop', ...(rnd() < 0.5 ? [`Where does the owner of the ${person.pet[0]} named ${person.petName} work now?`, [E.pet, E.job2]] : [`What job does the person who did the ${person.race[0]} in ${person.raceCity} have now?`, [E.race, E.job2]]));
    // temporal
    q('temporal', ...(rnd() < 0.5 ? [`When did ${p} adopt the ${person.pet[0]}?`, [E.pet]] : [`When did ${p} say they were moving to ${person.city}?`, [E.move]]));
    for (const dish of person.dishes.filter((d) => d.first && person.dishes.filter((o) => o.session.day.slice(0, 7) === d.session.day.slice(0, 7)).length === 1).slice(0, 2)) {
      const ago = monthsAgo(dish.at.day);
      const month = MONTHS[Number(dish.at.day.slice(5, 7)) - 1];
      const phrase = ago === 0 ? 'earlier this month' : ago === 1 ? 'last month' : pick([`last ${month}`, `in ${month}`, `${ago} months ago`]);
      q('temporal', `What did ${p} cook ${phrase}?`, [dish]);
    }
    // open-domain
    q('open-domain', person.interest.asked.replace('{p}', p), [E.interest]);
    q('open-domain', `Would ${p} enjoy a ${person.race[1] === 'swimming' ? 'lake swim' : person.race[1] === 'cycling' ? 'bike tour' : 'long run'} on holiday?`, [E.race]);
  }
  // What a dream would have extracted (opts.topics): a person topic per friend, in its own words,
  // citing the turns each fact came from (`sources`, as aos dream writes them).
  const topics = [];
  for (const person of plan) {
    const E = person.events;
    const cite = (e) => `${e.at.file}#L${e.at.line}`;
    const facts = [
      [`Worked as a ${person.job1[0]} at ${person.job1[1]}; now a ${person.job2[0]} at ${person.job2[1]}.`, [E.job1, E.job2]],
      [`Has a ${person.pet[0]} (${person.pet[1]}) called ${person.petName}.`, [E.pet]],
      [`Moved to ${person.city}.`, [E.move]],
      [`Finished the ${person.race[0]} in ${person.raceCity}.`, [E.race]],
      [`Said: "${person.interest.said}."`, [E.interest]],
    ];
    if (opts.topics === 'facts') {
      // One topic per fact, as the dream mostly writes them.
      ['work', 'pet', 'home', 'race', 'interests'].forEach((kind, k) => {
        const [fact, evs] = facts[k];
        topics.push({
          file: `memory/${person.name.toLowerCase()}-${kind}.md`,
          text: `---\ntitle: ${person.name}'s ${kind}\ntype: fact\ndescription: "${fact.replace(/"/g, "'")}"\ncreated: ${asked}\nstatus: active\nsources: [${evs.map(cite).join(', ')}]\ntags: [person]\n---\n${fact}\n`,
        });
      });
      continue;
    }
    const sources = facts.flatMap(([, evs]) => evs.map(cite));
    const slug = person.name.toLowerCase();
    topics.push({
      file: `memory/${slug}.md`,
      text: `---\ntitle: ${person.name}\ntype: person\ndescription: "${person.name}, a friend of the owner: ${person.job2[0]}, lives in ${person.city}"\ncreated: ${asked}\nstatus: active\nsources: [${sources.join(', ')}]\ntags: [person]\n---\n${facts.map(([f]) => `- ${f}`).join('\n')}\n`,
    });
  }
  return { files: opts.topics ? [...files, ...topics] : files, questions, turns: turnCount, sessions: sessions.length, people: plan.length, days: days.size, topics: opts.topics ? topics.length : 0 };
}

function chunk(xs, n) {
  const out = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}
