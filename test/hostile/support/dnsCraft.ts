/**
 * DNS messages written byte by byte, as a fast-check arbitrary: the `_cclink`
 * TXT answer with its name written plainly, in upper case, relative, or
 * through compression pointers (to a question, to a label suffix, chained,
 * and the hostile ones: to itself, forwards, past the end, into the header),
 * its record text split into character-strings at random points (empty
 * strings and splits inside a UTF-8 sequence included), with decoy answers,
 * wrong lengths and counts, and trailing bytes.
 *
 * Each message says whether a correct reader must accept it: the same record
 * text, reachable under an acceptable name, in a well-formed message no larger
 * than the DHT's limit.
 */
import fc from "fast-check"

export interface CraftedMessage {
  readonly bytes: Uint8Array
  /** A correct reader finds the honest record text in it. */
  readonly legit: boolean
  /** How it was built, for failure reports and figures. */
  readonly shape: string
}

const u16 = (n: number) => [(n >> 8) & 0xff, n & 0xff]
const u32 = (n: number) => [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]

const labels = (name: string, terminated = true): Array<number> => [
  ...name.split(".").flatMap((label) => {
    const bytes = [...Buffer.from(label)]
    return [bytes.length, ...bytes]
  }),
  ...(terminated ? [0] : [])
]

const pointer = (offset: number) => [0xc0 | ((offset >> 8) & 0x3f), offset & 0xff]

const TXT = 16
const A = 1
const IN = 1

const resourceRecord = (name: ReadonlyArray<number>, type: number, rdata: ReadonlyArray<number>, rdlengthDelta = 0) => [
  ...name,
  ...u16(type),
  ...u16(IN),
  ...u32(86400),
  ...u16(Math.max(0, rdata.length + rdlengthDelta)),
  ...rdata
]

const characterStrings = (chunks: ReadonlyArray<Uint8Array>) => chunks.flatMap((chunk) => [chunk.length, ...chunk])

/** Cuts `text` at `cuts` (positions in any order; a repeated one gives an empty string), then every 255 bytes. */
const split = (text: Uint8Array, cuts: ReadonlyArray<number>): Array<Uint8Array> => {
  const points = [0, ...cuts.map((cut) => cut % (text.length + 1)).sort((a, b) => a - b), text.length]
  const chunks: Array<Uint8Array> = []
  for (let i = 0; i + 1 < points.length; i++) {
    const [from, to] = [points[i]!, points[i + 1]!]
    if (from === to) chunks.push(text.subarray(from, to))
    for (let at = from; at < to; at += 255) chunks.push(text.subarray(at, Math.min(to, at + 255)))
  }
  return chunks
}

type NameForm = {
  readonly form: string
  readonly legit: boolean
  /** Questions placed before the answer (their names are labels here), then the answer's name given their offsets. */
  readonly questions: (z32: string) => ReadonlyArray<string>
  readonly name: (z32: string, answerOffset: number, questionOffsets: ReadonlyArray<number>) => Array<number>
}

const NAME_FORMS: ReadonlyArray<NameForm> = [
  { form: "plain", legit: true, questions: () => [], name: (z32) => labels(`_cclink.${z32}`) },
  { form: "upper case", legit: true, questions: () => [], name: (z32) => labels(`_CCLINK.${z32.toUpperCase()}`) },
  { form: "relative", legit: true, questions: () => [], name: () => labels("_cclink") },
  {
    form: "pointer to a question",
    legit: true,
    questions: (z32) => [`_cclink.${z32}`],
    name: (_, __, [question]) => pointer(question!)
  },
  {
    form: "label, then pointer to a suffix",
    legit: true,
    questions: (z32) => [`x.${z32}`],
    name: (_, __, [question]) => [...labels("_cclink", false), ...pointer(question! + 2)]
  },
  {
    form: "pointer to a pointer",
    legit: true,
    questions: (z32) => [`_cclink.${z32}`, "pointer"],
    name: (_, __, [, second]) => pointer(second!)
  },
  { form: "pointer to itself", legit: false, questions: () => [], name: (_, at) => pointer(at) },
  { form: "pointer forwards", legit: false, questions: () => [], name: (_, at) => pointer(at + 40) },
  { form: "pointer past the end", legit: false, questions: () => [], name: () => pointer(0x3fff) },
  { form: "pointer into the header", legit: false, questions: () => [], name: () => pointer(2) },
  { form: "another name", legit: false, questions: () => [], name: (z32) => labels(`_cclinks.${z32}`) }
]

type Decoy = "none" | "A record first" | "other name first" | "second copy after"

export const craftedMessage = (z32: string, record: Uint8Array): fc.Arbitrary<CraftedMessage> =>
  fc
    .record({
      id: fc.nat({ max: 0xffff }),
      flags: fc.oneof(fc.constant(0x8400), fc.nat({ max: 0xffff })),
      nameForm: fc.constantFrom(...NAME_FORMS),
      cuts: fc.array(fc.nat({ max: record.length }), { maxLength: 8 }),
      decoy: fc.constantFrom<Decoy>("none", "none", "A record first", "other name first", "second copy after"),
      rdlengthDelta: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: -8, max: 8 })),
      countDelta: fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0), fc.integer({ min: -1, max: 2 })),
      trailing: fc.oneof(
        fc.constant(new Uint8Array()),
        fc.constant(new Uint8Array()),
        fc.uint8Array({ minLength: 1, maxLength: 8 })
      )
    })
    .map(({ countDelta, cuts, decoy, flags, id, nameForm, rdlengthDelta, trailing }) => {
      const questionNames = nameForm.questions(z32)
      const body: Array<number> = []
      const questionOffsets: Array<number> = []
      for (const name of questionNames) {
        questionOffsets.push(12 + body.length)
        // The "pointer" question is itself a pointer to the first one.
        body.push(...(name === "pointer" ? pointer(questionOffsets[0]!) : labels(name)), ...u16(TXT), ...u16(IN))
      }
      const answers: Array<Array<number>> = []
      if (decoy === "A record first") answers.push(resourceRecord(labels(`_cclink.${z32}`), A, [127, 0, 0, 1]))
      if (decoy === "other name first") {
        answers.push(resourceRecord(labels(`other.${z32}`), TXT, characterStrings([Buffer.from("{\"decoy\":1}")])))
      }
      const before = answers.reduce((sum, answer) => sum + answer.length, 0)
      const rdata = characterStrings(split(record, cuts))
      answers.push(
        resourceRecord(nameForm.name(z32, 12 + body.length + before, questionOffsets), TXT, rdata, rdlengthDelta)
      )
      if (decoy === "second copy after") {
        answers.push(resourceRecord(labels("_cclink"), TXT, characterStrings([Uint8Array.of(0x7b)])))
      }
      const header = [
        ...u16(id),
        ...u16(flags),
        ...u16(questionNames.length),
        ...u16(Math.max(0, answers.length + countDelta)),
        0,
        0,
        0,
        0
      ]
      const bytes = Uint8Array.from([...header, ...body, ...answers.flat(), ...trailing])
      const legit = nameForm.legit && rdlengthDelta === 0 && countDelta === 0 && trailing.length === 0 &&
        bytes.length <= 1000
      const shape = [
        nameForm.form,
        `${split(record, cuts).length} strings`,
        decoy,
        rdlengthDelta === 0 ? "" : `rdlength ${rdlengthDelta > 0 ? "+" : ""}${rdlengthDelta}`,
        countDelta === 0 ? "" : `answer count ${countDelta > 0 ? "+" : ""}${countDelta}`,
        trailing.length === 0 ? "" : `${trailing.length} trailing bytes`
      ].filter((part) => part !== "").join(", ")
      return { bytes, legit, shape }
    })
