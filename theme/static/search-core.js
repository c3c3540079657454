// docgen search core: analysis, bundle decoding, query planning, BM25F ranking, grouping by page and
// excerpts, exactly as the Rust reference does it (generator/src/index/: analysis.rs, shards.rs,
// doc_chunks.rs, query_plan.rs, bm25f.rs). No DOM: the page UI (search.js) loads it on demand, and the
// node tests `require` it. Needs the stemmer (search-stemmer.js) loaded first in a page.
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory(require("./search-stemmer.js"));
  else root.DocgenSearchCore = factory(root.DocgenStemmer);
})(this, function (stemmer) {
  "use strict";

  var FORMAT_VERSION = 2;
  var ASCII_ONLY = /^[\x00-\x7f]*$/;

  /** Stem one lowercased word: Snowball English for ASCII words, unchanged otherwise. */
  function stem(word) {
    return ASCII_ONLY.test(word) ? stemmer.stemEnglish(word) : word;
  }

  // ---------------------------------------------------------------------------------------------
  // Analysis: the same rules as generator/src/index/analysis.rs.

  var MAX_TOKEN_BYTES = 40;
  var ALPHANUMERIC = /[\p{Alphabetic}\p{N}]/u;
  var UPPER = /\p{Uppercase}/u;
  var LOWER = /\p{Lowercase}/u;
  var NUMERIC = /\p{N}/u;

  function utf8Length(s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (c >= 0xd800 && c <= 0xdbff) {
        n += 4;
        i++;
      } else n += 3;
    }
    return n;
  }

  /** Maximal alphanumeric runs: [{start, text}] with UTF-16 offsets. */
  function alphanumericRuns(text) {
    var runs = [], start = -1, i = 0;
    for (var ch of text) {
      var isAlnum = ALPHANUMERIC.test(ch);
      if (isAlnum && start < 0) start = i;
      else if (!isAlnum && start >= 0) {
        runs.push({ start: start, text: text.slice(start, i) });
        start = -1;
      }
      i += ch.length;
    }
    if (start >= 0) runs.push({ start: start, text: text.slice(start) });
    return runs;
  }

  /** camelCase parts of one run as [from, to] UTF-16 offsets. */
  function camelCaseParts(run) {
    var chars = Array.from(run), offsets = [], at = 0;
    for (var c = 0; c < chars.length; c++) {
      offsets.push(at);
      at += chars[c].length;
    }
    var parts = [], partStart = 0;
    for (var i = 1; i < chars.length; i++) {
      var prev = chars[i - 1], current = chars[i];
      var nextIsLower = i + 1 < chars.length && LOWER.test(chars[i + 1]);
      var boundary = UPPER.test(current) &&
        (LOWER.test(prev) || NUMERIC.test(prev) || (UPPER.test(prev) && nextIsLower));
      if (boundary) {
        parts.push([partStart, offsets[i]]);
        partStart = offsets[i];
      }
    }
    parts.push([partStart, run.length]);
    return parts;
  }

  function pushTerm(tokens, word, from, to) {
    var lowered = word.replace(JOINERS, "").toLowerCase();
    if (utf8Length(lowered) > MAX_TOKEN_BYTES) return;
    tokens.push({ term: stem(lowered), from: from, to: to });
  }

  var JOINERS = /[-_]/g; // every joiner, to remove them
  var JOINED = /[-_]/; // any joiner: the token is a joined word

  /** Analysed terms with UTF-16 source ranges, in text order: each run's camelCase parts, the run whole if
   * it split, and after the last run of a `-`/`_`-joined group the whole group without its joiners
   * (analysis.rs `word_ranges`). */
  function analyzeWithOffsets(text) {
    var tokens = [], groupStart = -1, groupEnd = -1, groupRuns = 0;
    function pushGroup() {
      if (groupRuns > 1) pushTerm(tokens, text.slice(groupStart, groupEnd), groupStart, groupEnd);
    }
    alphanumericRuns(text).forEach(function (run) {
      var end = run.start + run.text.length;
      if (groupRuns > 0 && run.start === groupEnd + 1 && (text[groupEnd] === "-" || text[groupEnd] === "_")) {
        groupRuns += 1;
      } else {
        pushGroup();
        groupStart = run.start;
        groupRuns = 1;
      }
      groupEnd = end;
      var parts = camelCaseParts(run.text);
      parts.forEach(function (p) {
        pushTerm(tokens, run.text.slice(p[0], p[1]), run.start + p[0], run.start + p[1]);
      });
      if (parts.length > 1) pushTerm(tokens, run.text, run.start, end);
    });
    pushGroup();
    return tokens;
  }

  /** Analysed terms of `text`, in order. */
  function analyze(text) {
    return analyzeWithOffsets(text).map(function (t) {
      return t.term;
    });
  }

  /** The last camelCase part of the last run, lowercased, unless a separator follows it. */
  function lastTypedPart(query) {
    var runs = alphanumericRuns(query);
    if (runs.length === 0) return null;
    var run = runs[runs.length - 1];
    if (run.start + run.text.length !== query.length) return null;
    var parts = camelCaseParts(run.text);
    var last = parts[parts.length - 1];
    return run.text.slice(last[0], last[1]).toLowerCase();
  }

  /** Compare strings by code point (= UTF-8 byte order, the order of the Rust side). */
  function compareTerms(a, b) {
    var ia = a[Symbol.iterator](), ib = b[Symbol.iterator]();
    for (;;) {
      var x = ia.next(), y = ib.next();
      if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
      var cx = x.value.codePointAt(0), cy = y.value.codePointAt(0);
      if (cx !== cy) return cx < cy ? -1 : 1;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Bundle decoding: generator/src/index/shards.rs and doc_chunks.rs.

  async function inflate(bytes) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  var utf8 = new TextDecoder();

  /** tantivy's fieldnorm code → quantized field length (tantivy/src/fieldnorm/code.rs): exact below 24,
   * then 8 steps per power of two. */
  function fieldLengthFromNormId(id) {
    if (id < 24) return id;
    var code = id - 24, bits = code & 7, shift = code >> 3;
    return 24 + (shift === 0 ? bits : (bits | 8) * Math.pow(2, shift - 1));
  }

  /** Reads an inflated bundle file: bytes, varints (shards.rs `write_varint`) and front-coded terms
   * (shards.rs `write_front_coded`). `what` names the file in errors. */
  function ByteReader(bytes, what) {
    this.bytes = bytes;
    this.what = what;
    this.at = 0;
    this.previous = new Uint8Array(0); // the last term read: the next one shares a prefix with it
  }
  ByteReader.prototype.truncated = function () {
    return new Error(this.what + " is truncated");
  };
  ByteReader.prototype.remaining = function () {
    return this.bytes.length - this.at;
  };
  ByteReader.prototype.byte = function () {
    if (this.at >= this.bytes.length) throw this.truncated();
    return this.bytes[this.at++];
  };
  ByteReader.prototype.varint = function () {
    var value = 0, scale = 1, b;
    do {
      b = this.byte();
      value += (b & 0x7f) * scale;
      scale *= 128;
    } while (b >= 0x80);
    return value;
  };
  ByteReader.prototype.term = function () {
    var shared = this.varint(), suffixLength = this.varint();
    if (shared > this.previous.length || this.at + suffixLength > this.bytes.length) throw this.truncated();
    var termBytes = new Uint8Array(shared + suffixLength);
    termBytes.set(this.previous.subarray(0, shared), 0);
    termBytes.set(this.bytes.subarray(this.at, this.at + suffixLength), shared);
    this.at += suffixLength;
    this.previous = termBytes;
    return utf8.decode(termBytes);
  };

  /** Decode an inflated shard into Map(term → postings): `count`, `ordinals[p]`, and per posting p and
   * field f, `tf[p * 4 + f]` (0 = absent) and `len[p * 4 + f]` (quantized field length). */
  function decodeShard(bytes) {
    var reader = new ByteReader(bytes, "search shard"), terms = new Map();
    var count = reader.varint();
    for (var t = 0; t < count; t++) {
      var term = reader.term(), postingCount = reader.varint(), ordinal = 0;
      var postings = { count: postingCount, ordinals: new Uint32Array(postingCount),
        tf: new Uint32Array(postingCount * 4), len: new Float64Array(postingCount * 4) };
      for (var p = 0; p < postingCount; p++) {
        ordinal += reader.varint();
        postings.ordinals[p] = ordinal;
        var mask = reader.byte();
        for (var f = 0; f < 4; f++) {
          if (mask & (1 << f)) {
            postings.tf[p * 4 + f] = reader.varint();
            postings.len[p * 4 + f] = fieldLengthFromNormId(reader.byte());
          }
        }
      }
      terms.set(term, postings);
    }
    if (reader.remaining() !== 0) throw new Error("search shard has " + reader.remaining() + " trailing bytes");
    return terms;
  }

  /** Section counts per page (pages.bin) → the first ordinal of each page. */
  function decodePageMap(bytes) {
    var reader = new ByteReader(bytes, "search page map"), starts = [], next = 0;
    while (reader.remaining() > 0) {
      starts.push(next);
      next += reader.varint();
    }
    return starts;
  }

  /** vocabulary.bin → [[term, documentFrequency], ...] in byte order. */
  function decodeVocabulary(bytes) {
    var reader = new ByteReader(bytes, "search vocabulary"), terms = [];
    var count = reader.varint();
    for (var t = 0; t < count; t++) terms.push([reader.term(), reader.varint()]);
    return terms;
  }

  // ---------------------------------------------------------------------------------------------
  // Planning: generator/src/index/query_plan.rs.

  /** Optimal string alignment distance of at most one, by code points (query_plan.rs `within_one_edit`). */
  function withinOneEdit(a, b) {
    a = Array.from(a);
    b = Array.from(b);
    if (Math.abs(a.length - b.length) > 1) return false;
    var start = 0;
    while (start < a.length && start < b.length && a[start] === b[start]) start++;
    if (start === a.length && start === b.length) return true;
    var ta = a.slice(start), tb = b.slice(start);
    var same = function (x, y) {
      return x.length === y.length && x.every(function (c, i) {
        return c === y[i];
      });
    };
    if (a.length === b.length) {
      return same(ta.slice(1), tb.slice(1)) ||
        (ta.length >= 2 && ta[0] === tb[1] && ta[1] === tb[0] && same(ta.slice(2), tb.slice(2)));
    }
    return a.length > b.length ? same(ta.slice(1), tb) : same(ta, tb.slice(1));
  }

  /** The `limit` terms with the highest frequency (ties: byte order), from [[term, df], ...]. */
  function mostFrequent(candidates, limit) {
    candidates.sort(function (a, b) {
      return b[1] - a[1] || compareTerms(a[0], b[0]);
    });
    return candidates.slice(0, limit).map(function (c) {
      return c[0];
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Ranking: generator/src/index/bm25f.rs, same arithmetic in the same order.

  function idf(documentCount, documentFrequency) {
    return Math.log(1 + (documentCount - documentFrequency + 0.5) / (documentFrequency + 0.5));
  }

  /** BM25F contribution of posting `p` of one term; bm25f.rs `term_score`, same operations in order. */
  function termScore(params, averages, termIdf, postings, p) {
    var weighted = 0;
    for (var f = 0; f < 4; f++) {
      var tf = postings.tf[p * 4 + f];
      if (tf === 0 || averages[f] <= 0) continue;
      var norm = 1 - params.b + params.b * postings.len[p * 4 + f] / averages[f];
      weighted += params.boosts[f] * tf / norm;
    }
    return termIdf * weighted * (params.k1 + 1) / (params.k1 + weighted);
  }

  /** bm25f.rs `best_field_class`: 1 + the best class among the boosted fields of posting `p`, or 0. */
  function bestFieldClass(params, classes, postings, p) {
    var best = 0;
    for (var f = 0; f < 4; f++) {
      if (postings.tf[p * 4 + f] > 0 && params.boosts[f] > 0 && classes[f] + 1 > best) best = classes[f] + 1;
    }
    return best;
  }

  function roundScore(score) {
    return Math.round(score * 1e6) / 1e6;
  }

  /** The page of section `ordinal`: the last page starting at or before it (bm25f.rs `page_of`). */
  function pageOf(pageStarts, ordinal) {
    var lo = 0, hi = pageStarts.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (pageStarts[mid] <= ordinal) lo = mid + 1;
      else hi = mid;
    }
    return Math.max(lo - 1, 0);
  }

  // ---------------------------------------------------------------------------------------------
  // The loaded bundle.

  /** A loaded bundle: the manifest plus the files fetched so far; `fetchBytes(url) → Promise<Uint8Array>`. */
  function SearchIndex(manifest, manifestUrl, fetchBytes) {
    this.manifest = manifest;
    this.base = new URL(manifest.files, manifestUrl).href;
    this.fetchBytes = fetchBytes;
    this.files = new Map(); // file name → Promise<decoded>
    this.stopTerms = new Set(manifest.ranking.stop_words.map(stem));
  }

  SearchIndex.load = async function (manifestUrl, fetchBytes) {
    var manifest = JSON.parse(utf8.decode(await fetchBytes(manifestUrl)));
    if (manifest.format !== "docgen-search" || manifest.version !== FORMAT_VERSION) {
      throw new Error("unsupported search bundle (format " + manifest.format + " v" + manifest.version + ")");
    }
    return new SearchIndex(manifest, manifestUrl, fetchBytes);
  };

  /** Fetch, inflate and decode bundle file `name` once; a failure is not cached. */
  SearchIndex.prototype.file = function (name, decode) {
    if (!this.files.has(name)) {
      var self = this;
      var pending = this.fetchBytes(new URL(name, this.base).href).then(inflate).then(decode);
      pending.catch(function () {
        self.files.delete(name);
      });
      this.files.set(name, pending);
    }
    return this.files.get(name);
  };

  SearchIndex.prototype.shardFor = function (term) {
    var separators = this.manifest.shards, lo = 0, hi = separators.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (compareTerms(separators[mid], term) <= 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };

  /** Shard indices that may hold terms starting with `prefix`. */
  SearchIndex.prototype.shardsForPrefix = function (prefix) {
    var first = this.shardFor(prefix), result = [first], separators = this.manifest.shards;
    for (var i = first + 1; i < separators.length && separators[i].startsWith(prefix); i++) result.push(i);
    return result;
  };

  SearchIndex.prototype.loadShard = function (i) {
    return this.file("t" + i + ".bin", decodeShard);
  };

  var NO_POSTINGS = { count: 0, ordinals: new Uint32Array(0), tf: new Uint32Array(0), len: new Float64Array(0) };

  SearchIndex.prototype.postings = async function (term) {
    var shard = await this.loadShard(this.shardFor(term));
    return shard.get(term) || NO_POSTINGS;
  };

  /** Dictionary terms starting with `prefix`, with their document frequency. */
  SearchIndex.prototype.termsWithPrefix = async function (prefix) {
    var self = this;
    var shards = await Promise.all(this.shardsForPrefix(prefix).map(function (i) {
      return self.loadShard(i);
    }));
    var found = [];
    shards.forEach(function (shard) {
      shard.forEach(function (postings, term) {
        if (term.startsWith(prefix)) found.push([term, postings.count]);
      });
    });
    return found;
  };

  SearchIndex.prototype.pageStarts = function () {
    return this.file("pages.bin", decodePageMap);
  };

  SearchIndex.prototype.vocabulary = function () {
    return this.file("vocabulary.bin", decodeVocabulary);
  };

  /** Query slots as in query_plan.rs `plan_query`: [{terms: [...], stop: bool, joined: bool}]; a stop
   * slot scores but is not counted as matched, a joined slot (`base_url` → `baseurl`) is counted but does
   * not score. */
  SearchIndex.prototype.plan = async function (query, prefix) {
    var slots = [], self = this, manifest = this.manifest;
    analyzeWithOffsets(query).forEach(function (token) {
      var term = token.term;
      if (!slots.some(function (s) {
        return s.terms[0] === term;
      })) {
        slots.push({ terms: [term], stop: self.stopTerms.has(term),
          joined: JOINED.test(query.slice(token.from, token.to)) });
      }
    });
    if (prefix) await this.expandPrefix(query, slots);
    var typo = manifest.typo;
    for (var i = 0; i < slots.length; i++) {
      var slot = slots[i], primary = slot.terms[0];
      if (slot.stop || Array.from(primary).length < typo.min_chars) continue;
      var frequencies = await Promise.all(slot.terms.map(function (t) {
        return self.postings(t);
      }));
      var hits = frequencies.reduce(function (sum, p) {
        return sum + p.count;
      }, 0);
      if (hits > typo.max_hits) continue;
      var vocabulary = await this.vocabulary();
      var candidates = vocabulary.filter(function (entry) {
        return entry[1] > 0 && slot.terms.indexOf(entry[0]) < 0 && withinOneEdit(primary, entry[0]);
      });
      mostFrequent(candidates.slice(), typo.max_candidates).forEach(function (t) {
        slot.terms.push(t);
      });
    }
    return slots;
  };

  SearchIndex.prototype.expandPrefix = async function (query, slots) {
    var typed = lastTypedPart(query), options = this.manifest.prefix;
    if (typed === null || Array.from(typed).length < options.min_chars || utf8Length(typed) > MAX_TOKEN_BYTES) return;
    var stemmed = stem(typed), slot = null;
    for (var i = slots.length - 1; i >= 0; i--) {
      if (slots[i].terms[0] === stemmed) {
        slot = slots[i];
        break;
      }
    }
    if (slot === null) return;
    var candidates = (await this.termsWithPrefix(typed)).filter(function (c) {
      return c[0] !== stemmed;
    });
    mostFrequent(candidates, options.max_expansions).forEach(function (t) {
      slot.terms.push(t);
    });
  };

  /** Rank pages: [{page, sections: [{ordinal, score}, ...]}], best first, as bm25f.rs `search`.
   * `options.prefix` expands the word being typed; `options.limit` pages (default 10). The result also
   * carries `terms` (every term searched, for highlighting). */
  SearchIndex.prototype.search = async function (query, options) {
    options = options || {};
    var limit = options.limit || 10, manifest = this.manifest, self = this;
    var slots = await this.plan(query, !!options.prefix);
    var allTerms = [];
    slots.forEach(function (slot) {
      slot.terms.forEach(function (t) {
        if (allTerms.indexOf(t) < 0) allTerms.push(t);
      });
    });
    var postingsByTerm = new Map();
    var loaded = await Promise.all([this.pageStarts()].concat(allTerms.map(async function (term) {
      postingsByTerm.set(term, await self.postings(term));
    })));
    var pageStarts = loaded[0];
    var params = manifest.bm25f, averages = manifest.average_field_lengths, count = manifest.documents;
    var classes = manifest.ranking.field_classes;
    // Typed arrays indexed by ordinal: the same sums in the same order as the Rust maps (per section,
    // slot by slot; within a slot the best score and the best field class of its terms).
    var total = new Float64Array(count), coverage = new Uint32Array(count), tier = new Uint32Array(count);
    var matched = new Uint8Array(count), matchedList = [];
    var best = new Float64Array(count), bestClass = new Uint32Array(count), inSlot = new Uint8Array(count);
    var slotList = [];
    slots.forEach(function (slot) {
      slot.terms.forEach(function (term) {
        var postings = postingsByTerm.get(term), termIdf = idf(count, postings.count);
        for (var p = 0; p < postings.count; p++) {
          var ordinal = postings.ordinals[p];
          var score = termScore(params, averages, termIdf, postings, p);
          var cls = bestFieldClass(params, classes, postings, p);
          if (!inSlot[ordinal]) {
            inSlot[ordinal] = 1;
            best[ordinal] = 0;
            bestClass[ordinal] = 0;
            slotList.push(ordinal);
          }
          if (score > best[ordinal]) best[ordinal] = score;
          if (cls > bestClass[ordinal]) bestClass[ordinal] = cls;
        }
      });
      for (var i = 0; i < slotList.length; i++) {
        var o = slotList[i];
        if (!matched[o]) {
          matched[o] = 1;
          matchedList.push(o);
        }
        if (!slot.joined) total[o] += best[o];
        if (!slot.stop && best[o] > 0) {
          coverage[o] += 1;
          tier[o] += bestClass[o];
        }
        inSlot[o] = 0;
      }
      slotList.length = 0;
    });
    var sections = [];
    matchedList.forEach(function (ordinal) {
      var score = roundScore(total[ordinal]);
      if (score > 0) sections.push({ ordinal: ordinal, score: score, coverage: coverage[ordinal], tier: tier[ordinal] });
    });
    sections.sort(function (a, b) {
      return b.coverage - a.coverage || b.tier - a.tier || b.score - a.score || a.ordinal - b.ordinal;
    });
    var pages = [], slotOfPage = new Map(), perPage = manifest.ranking.sections_per_page;
    for (var s = 0; s < sections.length; s++) {
      var section = sections[s], page = pageOf(pageStarts, section.ordinal);
      var hit = { ordinal: section.ordinal, score: section.score };
      if (slotOfPage.has(page)) {
        var entry = pages[slotOfPage.get(page)];
        if (entry.sections.length < perPage) entry.sections.push(hit);
      } else if (pages.length < limit) {
        slotOfPage.set(page, pages.length);
        pages.push({ page: page, sections: [hit] });
      }
    }
    pages.terms = allTerms.filter(function (t) {
      return !self.stopTerms.has(t);
    });
    return pages;
  };

  /** The shown data of sections: [{url, anchor, pageTitle, sectionTitle, text}] in `ordinals` order. */
  SearchIndex.prototype.documents = async function (ordinals) {
    var self = this, size = this.manifest.doc_chunk_sections;
    return Promise.all(ordinals.map(async function (ordinal) {
      var rows = await self.file("d" + Math.floor(ordinal / size) + ".bin", function (bytes) {
        return JSON.parse(utf8.decode(bytes));
      });
      var row = rows[ordinal % size];
      return { url: row[0], anchor: row[1], pageTitle: row[2], sectionTitle: row[3], text: row[4] };
    }));
  };

  // ---------------------------------------------------------------------------------------------
  // Excerpts: the passage of a section's text with the most matched words, matched words marked.

  /** Words of `text` to mark: runs with an analysed term in `wanted` (a Set) that are not stop words. */
  function matchedRuns(text, wanted, stopTerms) {
    return alphanumericRuns(text).filter(function (run) {
      var terms = analyze(run.text);
      return terms.some(function (t) {
        return wanted.has(t) && !stopTerms.has(t);
      });
    });
  }

  /** Cut `text` to about `length` characters around its matched words. Returns {text, marks: [[from, to]]}
   * with UTF-16 offsets into the returned text; `…` marks a cut. */
  function excerpt(text, wanted, stopTerms, length) {
    var runs = alphanumericRuns(text), hits = matchedRuns(text, wanted, stopTerms);
    var start = 0, end = text.length;
    if (text.length > length) {
      var bestStart = 0, bestCount = -1;
      hits.forEach(function (hit) {
        var seen = new Set();
        hits.forEach(function (other) {
          if (other.start >= hit.start && other.start + other.text.length <= hit.start + length) {
            analyze(other.text).forEach(function (t) {
              if (wanted.has(t)) seen.add(t);
            });
          }
        });
        if (seen.size > bestCount) {
          bestCount = seen.size;
          bestStart = hit.start;
        }
      });
      // Some words of context before the first match, starting at a word.
      var lead = Math.max(0, bestStart - Math.floor(length / 5));
      start = 0;
      for (var r = 0; r < runs.length; r++) {
        if (runs[r].start >= lead) {
          start = lead === 0 ? 0 : runs[r].start;
          break;
        }
      }
      if (start > bestStart) start = bestStart;
      end = Math.min(text.length, start + length);
      for (var e = runs.length - 1; e >= 0 && end < text.length; e--) {
        var runEnd = runs[e].start + runs[e].text.length;
        if (runEnd <= end) {
          end = runEnd;
          break;
        }
      }
    }
    var prefix = start > 0 ? "…" : "", suffix = end < text.length && !text.slice(0, end).endsWith("…") ? "…" : "";
    var shown = prefix + text.slice(start, end) + suffix, marks = [];
    hits.forEach(function (hit) {
      if (hit.start >= start && hit.start + hit.text.length <= end) {
        var from = hit.start - start + prefix.length;
        marks.push([from, from + hit.text.length]);
      }
    });
    return { text: shown, marks: marks };
  }

  return {
    FORMAT_VERSION: FORMAT_VERSION,
    stem: stem,
    analyze: analyze,
    analyzeWithOffsets: analyzeWithOffsets,
    alphanumericRuns: alphanumericRuns,
    lastTypedPart: lastTypedPart,
    decodeShard: decodeShard,
    decodePageMap: decodePageMap,
    decodeVocabulary: decodeVocabulary,
    fieldLengthFromNormId: fieldLengthFromNormId,
    withinOneEdit: withinOneEdit,
    inflate: inflate,
    excerpt: excerpt,
    SearchIndex: SearchIndex,
  };
});
