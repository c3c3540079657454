// docgen search client: loads the static bundle written by the `index` stage (generator/src/index/) and
// ranks sections with BM25F exactly as the Rust reference does (generator/src/index/bm25f.rs).
// Plain JavaScript, no framework, no build step. In a page it wires up `#search-input` and
// `#search-results`; under node (`require`) it exports the analyser and the index for the parity tests.
//
// Keep in step with the Rust side: `analyze` = index/analysis.rs, `stem` = the Snowball English stemmer
// tantivy uses (a port of the generated code in the `frostem` crate), shard and chunk decoding =
// index/shards.rs and index/doc_chunks.rs, scoring and query planning = index/bm25f.rs.
(function (root) {
  "use strict";

  var FORMAT_VERSION = 1;

  // ---------------------------------------------------------------------------------------------
  // Snowball English stemmer (Snowball 3.1.1 english.sbl), ported from the generated Rust so every
  // step, table and fast-path check is the same. Only ASCII words reach it, so string indices are bytes.

  function Env(word) {
    this.current = word;
    this.cursor = 0;
    this.limit = word.length;
    this.limit_backward = 0;
    this.bra = 0;
    this.ket = 0;
  }
  Env.prototype.byteAt = function (i) {
    return this.current.charCodeAt(i);
  };
  Env.prototype.replace_s = function (bra, ket, s) {
    var adjustment = s.length - (ket - bra);
    this.current = this.current.slice(0, bra) + s + this.current.slice(ket);
    this.limit += adjustment;
    if (this.cursor >= ket) this.cursor += adjustment;
    else if (this.cursor > bra) this.cursor = bra;
    return adjustment;
  };
  Env.prototype.eq_s = function (s) {
    if (this.cursor >= this.limit) return false;
    if (this.current.startsWith(s, this.cursor)) {
      this.cursor += s.length;
      return true;
    }
    return false;
  };
  Env.prototype.eq_s_b = function (s) {
    if (this.cursor - this.limit_backward < s.length) return false;
    if (!this.current.startsWith(s, this.cursor - s.length)) return false;
    this.cursor -= s.length;
    return true;
  };
  Env.prototype.slice_from = function (s) {
    this.replace_s(this.bra, this.ket, s);
    this.ket = this.bra + s.length;
  };
  Env.prototype.slice_del = function () {
    this.slice_from("");
  };
  Env.prototype.next_char = function () {
    this.cursor += 1;
  };
  Env.prototype.previous_char = function () {
    this.cursor -= 1;
  };
  Env.prototype.hop = function (delta) {
    var res = this.cursor;
    while (delta > 0) {
      delta -= 1;
      if (res >= this.limit) return false;
      res += 1;
    }
    this.cursor = res;
    return true;
  };
  Env.prototype.hop_back = function (delta) {
    var res = this.cursor;
    while (delta > 0) {
      delta -= 1;
      if (res <= this.limit_backward) return false;
      res -= 1;
    }
    this.cursor = res;
    return true;
  };
  function inGroup(g, min, max, ch) {
    if (ch > max || ch < min) return false;
    ch -= min;
    return (g[ch >> 3] & (1 << (ch & 7))) !== 0;
  }
  Env.prototype.in_grouping = function (g, min, max) {
    if (this.cursor >= this.limit) return false;
    if (!inGroup(g, min, max, this.byteAt(this.cursor))) return false;
    this.cursor += 1;
    return true;
  };
  Env.prototype.go_in_grouping = function (g, min, max) {
    while (this.cursor < this.limit) {
      if (!inGroup(g, min, max, this.byteAt(this.cursor))) return true;
      this.cursor += 1;
    }
    return false;
  };
  Env.prototype.in_grouping_b = function (g, min, max) {
    if (this.cursor <= this.limit_backward) return false;
    if (!inGroup(g, min, max, this.byteAt(this.cursor - 1))) return false;
    this.cursor -= 1;
    return true;
  };
  Env.prototype.out_grouping = function (g, min, max) {
    if (this.cursor >= this.limit) return false;
    if (inGroup(g, min, max, this.byteAt(this.cursor))) return false;
    this.cursor += 1;
    return true;
  };
  Env.prototype.go_out_grouping = function (g, min, max) {
    while (this.cursor < this.limit) {
      if (inGroup(g, min, max, this.byteAt(this.cursor))) return true;
      this.cursor += 1;
    }
    return false;
  };
  Env.prototype.out_grouping_b = function (g, min, max) {
    if (this.cursor <= this.limit_backward) return false;
    if (inGroup(g, min, max, this.byteAt(this.cursor - 1))) return false;
    this.cursor -= 1;
    return true;
  };
  Env.prototype.go_out_grouping_b = function (g, min, max) {
    while (this.cursor > this.limit_backward) {
      if (inGroup(g, min, max, this.byteAt(this.cursor - 1))) return true;
      this.cursor -= 1;
    }
    return false;
  };
  // amongs: [string, substring_index, result]
  Env.prototype.find_among = function (amongs) {
    var i = 0, j = amongs.length, c = this.cursor, l = this.limit;
    var common_i = 0, common_j = 0, first_key_inspected = false;
    for (;;) {
      var k = i + ((j - i) >> 1), diff = 0, common = Math.min(common_i, common_j), w = amongs[k][0];
      for (var lvar = common; lvar < w.length; lvar++) {
        if (c + common === l) {
          diff = -1;
          break;
        }
        diff = this.byteAt(c + common) - w.charCodeAt(lvar);
        if (diff !== 0) break;
        common += 1;
      }
      if (diff < 0) {
        j = k;
        common_j = common;
      } else {
        i = k;
        common_i = common;
      }
      if (j - i <= 1) {
        if (i > 0 || j === i || first_key_inspected) break;
        first_key_inspected = true;
      }
    }
    for (;;) {
      var entry = amongs[i];
      if (common_i >= entry[0].length) {
        this.cursor = c + entry[0].length;
        return entry[2];
      }
      i = entry[1];
      if (i < 0) return 0;
    }
  };
  Env.prototype.find_among_b = function (amongs) {
    var i = 0, j = amongs.length, c = this.cursor, lb = this.limit_backward;
    var common_i = 0, common_j = 0, first_key_inspected = false;
    for (;;) {
      var k = i + ((j - i) >> 1), diff = 0, common = common_i < common_j ? common_i : common_j, w = amongs[k][0];
      for (var lvar = w.length - common - 1; lvar >= 0; lvar--) {
        if (c - common === lb) {
          diff = -1;
          break;
        }
        diff = this.byteAt(c - common - 1) - w.charCodeAt(lvar);
        if (diff !== 0) break;
        common += 1;
      }
      if (diff < 0) {
        j = k;
        common_j = common;
      } else {
        i = k;
        common_i = common;
      }
      if (j - i <= 1) {
        if (i > 0 || j === i || first_key_inspected) break;
        first_key_inspected = true;
      }
    }
    for (;;) {
      var entry = amongs[i];
      if (common_i >= entry[0].length) {
        this.cursor = c - entry[0].length;
        return entry[2];
      }
      i = entry[1];
      if (i < 0) return 0;
    }
  };

  var A_0 = [["arsen", -1, -1], ["commun", -1, -1], ["emerg", -1, -1], ["gener", -1, -1], ["inter", -1, -1],
    ["later", -1, -1], ["organ", -1, -1], ["past", -1, -1], ["univers", -1, -1]];
  var A_1 = [["'", -1, 1], ["'s'", 0, 1], ["'s", -1, 1]];
  var A_2 = [["ied", -1, 2], ["s", -1, 3], ["ies", 1, 2], ["sses", 1, 1], ["ss", 1, -1], ["us", 1, -1]];
  var A_3 = [["succ", -1, 1], ["proc", -1, 1], ["exc", -1, 1]];
  var A_4 = [["even", -1, 2], ["cann", -1, 2], ["inn", -1, 2], ["earr", -1, 2], ["herr", -1, 2], ["out", -1, 2],
    ["y", -1, 1]];
  var A_5 = [["", -1, -1], ["ed", 0, 2], ["eed", 1, 1], ["ing", 0, 3], ["edly", 0, 2], ["eedly", 4, 1],
    ["ingly", 0, 2]];
  var A_6 = [["", -1, 3], ["bb", 0, 2], ["dd", 0, 2], ["ff", 0, 2], ["gg", 0, 2], ["bl", 0, 1], ["mm", 0, 2],
    ["nn", 0, 2], ["pp", 0, 2], ["rr", 0, 2], ["at", 0, 1], ["tt", 0, 2], ["iz", 0, 1]];
  var A_7 = [["anci", -1, 3], ["enci", -1, 2], ["ogi", -1, 14], ["li", -1, 16], ["bli", 3, 12], ["abli", 4, 4],
    ["alli", 3, 8], ["fulli", 3, 9], ["lessli", 3, 15], ["ousli", 3, 10], ["entli", 3, 5], ["aliti", -1, 8],
    ["biliti", -1, 12], ["iviti", -1, 11], ["tional", -1, 1], ["ational", 14, 7], ["alism", -1, 8],
    ["ation", -1, 7], ["ization", 17, 6], ["izer", -1, 6], ["ator", -1, 7], ["iveness", -1, 11],
    ["fulness", -1, 9], ["ousness", -1, 10], ["ogist", -1, 13]];
  var A_8 = [["icate", -1, 4], ["ative", -1, 6], ["alize", -1, 3], ["iciti", -1, 4], ["ical", -1, 4],
    ["tional", -1, 1], ["ational", 5, 2], ["ful", -1, 5], ["ness", -1, 5]];
  var A_9 = [["ic", -1, 1], ["ance", -1, 1], ["ence", -1, 1], ["able", -1, 1], ["ible", -1, 1], ["ate", -1, 1],
    ["ive", -1, 1], ["ize", -1, 1], ["iti", -1, 1], ["al", -1, 1], ["ism", -1, 1], ["ion", -1, 2], ["er", -1, 1],
    ["ous", -1, 1], ["ant", -1, 1], ["ent", -1, 1], ["ment", 15, 1], ["ement", 16, 1]];
  var A_10 = [["e", -1, 1], ["l", -1, 2]];
  var A_11 = [["andes", -1, -1], ["atlas", -1, -1], ["bias", -1, -1], ["cosmos", -1, -1], ["early", -1, 6],
    ["gently", -1, 4], ["howe", -1, -1], ["idly", -1, 3], ["news", -1, -1], ["only", -1, 7], ["singly", -1, 8],
    ["skies", -1, 2], ["skis", -1, 1], ["sky", -1, -1], ["ugly", -1, 5]];
  var G_aeo = [17, 64];
  var G_v = [17, 65, 16, 1];
  var G_v_WXY = [1, 17, 65, 208, 1];
  var G_valid_LI = [55, 141, 2];

  // The generated code's fast-path checks: a byte whose top 3 bits are 011 and whose bit is set in `mask`.
  function quickMiss(env, at, mask) {
    var ch = env.byteAt(at);
    return ch >> 5 !== 3 || ((mask >> (ch & 0x1f)) & 1) === 0;
  }

  function r_shortv(env) {
    var v_1 = env.limit - env.cursor;
    lab1: {
      if (!env.out_grouping_b(G_v_WXY, 89, 121)) break lab1;
      if (!env.in_grouping_b(G_v, 97, 121)) break lab1;
      if (!env.out_grouping_b(G_v, 97, 121)) break lab1;
      return true;
    }
    env.cursor = env.limit - v_1;
    lab2: {
      if (!env.out_grouping_b(G_v, 97, 121)) break lab2;
      if (!env.in_grouping_b(G_v, 97, 121)) break lab2;
      if (env.cursor > env.limit_backward) break lab2;
      return true;
    }
    env.cursor = env.limit - v_1;
    return env.eq_s_b("past");
  }

  var EXCEPTIONS_1 = { 1: "ski", 2: "sky", 3: "idl", 4: "gentl", 5: "ugli", 6: "earli", 7: "onli", 8: "singl" };
  var STEP_2 = { 1: "tion", 2: "ence", 3: "ance", 4: "able", 5: "ent", 6: "ize", 7: "ate", 8: "al", 9: "ful",
    10: "ous", 11: "ive", 12: "ble", 13: "og", 15: "less" };
  var STEP_3 = { 1: "tion", 2: "ate", 3: "al", 4: "ic" };

  function stemEnv(env) {
    var among_var, b_Y_found = false, i_p1, i_p2;
    var v_1 = env.cursor;
    lab1: {
      env.bra = env.cursor;
      if (env.cursor + 2 >= env.limit || quickMiss(env, env.cursor + 2, 42750482)) break lab1;
      among_var = env.find_among(A_11);
      if (among_var === 0) break lab1;
      env.ket = env.cursor;
      if (env.cursor < env.limit) break lab1;
      if (EXCEPTIONS_1[among_var]) env.slice_from(EXCEPTIONS_1[among_var]);
      return;
    }
    env.cursor = v_1;
    if (!env.hop(3)) return;
    env.cursor = v_1;
    // prelude
    var v_2 = env.cursor;
    env.bra = env.cursor;
    if (env.eq_s("'")) {
      env.ket = env.cursor;
      env.slice_del();
    }
    env.cursor = v_2;
    var v_3 = env.cursor;
    env.bra = env.cursor;
    if (env.eq_s("y")) {
      env.ket = env.cursor;
      env.slice_from("Y");
      b_Y_found = true;
    }
    env.cursor = v_3;
    var v_4 = env.cursor;
    replab8: for (;;) {
      var v_5 = env.cursor;
      lab9: {
        for (;;) {
          var v_6 = env.cursor;
          lab11: {
            if (!env.in_grouping(G_v, 97, 121)) break lab11;
            env.bra = env.cursor;
            if (!env.eq_s("y")) break lab11;
            env.ket = env.cursor;
            env.cursor = v_6;
            env.slice_from("Y");
            b_Y_found = true;
            continue replab8;
          }
          env.cursor = v_6;
          if (env.cursor >= env.limit) break lab9;
          env.next_char();
        }
      }
      env.cursor = v_5;
      break;
    }
    env.cursor = v_4;
    // mark regions
    i_p1 = env.limit;
    i_p2 = env.limit;
    var v_7 = env.cursor;
    lab13: {
      lab14: {
        var v_8 = env.cursor;
        lab15: {
          if (env.cursor + 3 >= env.limit || quickMiss(env, env.cursor + 3, 5513250)) break lab15;
          if (env.find_among(A_0) === 0) break lab15;
          break lab14;
        }
        env.cursor = v_8;
        if (!env.go_out_grouping(G_v, 97, 121)) break lab13;
        env.next_char();
        if (!env.go_in_grouping(G_v, 97, 121)) break lab13;
        env.next_char();
      }
      i_p1 = env.cursor;
      if (!env.go_out_grouping(G_v, 97, 121)) break lab13;
      env.next_char();
      if (!env.go_in_grouping(G_v, 97, 121)) break lab13;
      env.next_char();
      i_p2 = env.cursor;
    }
    env.cursor = v_7;
    env.limit_backward = env.cursor;
    env.cursor = env.limit;
    // Step 1a
    var v_9 = env.limit - env.cursor;
    lab16: {
      var v_10 = env.limit - env.cursor;
      lab17: {
        env.ket = env.cursor;
        if (env.cursor <= env.limit_backward ||
            (env.byteAt(env.cursor - 1) !== 39 && env.byteAt(env.cursor - 1) !== 115)) {
          env.cursor = env.limit - v_10;
          break lab17;
        }
        if (env.find_among_b(A_1) === 0) {
          env.cursor = env.limit - v_10;
          break lab17;
        }
        env.bra = env.cursor;
        env.slice_del();
      }
      env.ket = env.cursor;
      if (env.cursor <= env.limit_backward ||
          (env.byteAt(env.cursor - 1) !== 100 && env.byteAt(env.cursor - 1) !== 115)) break lab16;
      among_var = env.find_among_b(A_2);
      if (among_var === 0) break lab16;
      env.bra = env.cursor;
      if (among_var === 1) {
        env.slice_from("ss");
      } else if (among_var === 2) {
        var v_11 = env.limit - env.cursor;
        if (env.hop_back(2)) {
          env.slice_from("i");
        } else {
          env.cursor = env.limit - v_11;
          env.slice_from("ie");
        }
      } else if (among_var === 3) {
        if (env.cursor <= env.limit_backward) break lab16;
        env.previous_char();
        if (!env.go_out_grouping_b(G_v, 97, 121)) break lab16;
        env.previous_char();
        env.slice_del();
      }
    }
    env.cursor = env.limit - v_9;
    // Step 1b
    var v_12 = env.limit - env.cursor;
    lab20: {
      env.ket = env.cursor;
      if (env.cursor - 1 <= env.limit_backward || quickMiss(env, env.cursor - 1, 33554576)) among_var = -1;
      else among_var = env.find_among_b(A_5);
      env.bra = env.cursor;
      lab21: {
        var v_13 = env.limit - env.cursor;
        lab22: {
          if (among_var === 1) {
            var v_14 = env.limit - env.cursor;
            lab23: {
              if (i_p1 > env.cursor) break lab23;
              lab24: {
                var v_15 = env.limit - env.cursor;
                lab25: {
                  if (env.cursor - 2 <= env.limit_backward || env.byteAt(env.cursor - 1) !== 99) break lab25;
                  if (env.find_among_b(A_3) === 0) break lab25;
                  if (env.cursor > env.limit_backward) break lab25;
                  break lab24;
                }
                env.cursor = env.limit - v_15;
                env.slice_from("ee");
              }
            }
            env.cursor = env.limit - v_14;
          } else if (among_var === 2) {
            break lab22;
          } else if (among_var === 3) {
            if (env.cursor <= env.limit_backward || quickMiss(env, env.cursor - 1, 34881536)) break lab22;
            among_var = env.find_among_b(A_4);
            if (among_var === 0) break lab22;
            if (among_var === 1) {
              var v_16 = env.limit - env.cursor;
              if (!env.out_grouping_b(G_v, 97, 121)) break lab22;
              if (env.cursor > env.limit_backward) break lab22;
              env.cursor = env.limit - v_16;
              env.bra = env.cursor;
              env.slice_from("ie");
            } else if (among_var === 2) {
              if (env.cursor > env.limit_backward) break lab22;
            }
          }
          break lab21;
        }
        env.cursor = env.limit - v_13;
        var v_17 = env.limit - env.cursor;
        if (!env.go_out_grouping_b(G_v, 97, 121)) break lab20;
        env.previous_char();
        env.cursor = env.limit - v_17;
        env.slice_del();
        env.ket = env.cursor;
        env.bra = env.cursor;
        var v_18 = env.limit - env.cursor;
        if (env.cursor - 1 <= env.limit_backward || quickMiss(env, env.cursor - 1, 68514004)) among_var = 3;
        else among_var = env.find_among_b(A_6);
        if (among_var === 1) {
          env.slice_from("e");
          break lab20;
        } else if (among_var === 2) {
          var v_19 = env.limit - env.cursor;
          lab26: {
            if (!env.in_grouping_b(G_aeo, 97, 111)) break lab26;
            if (env.cursor > env.limit_backward) break lab26;
            break lab20;
          }
          env.cursor = env.limit - v_19;
        } else if (among_var === 3) {
          if (env.cursor !== i_p1) break lab20;
          var v_20 = env.limit - env.cursor;
          if (!r_shortv(env)) break lab20;
          env.cursor = env.limit - v_20;
          env.slice_from("e");
          break lab20;
        }
        env.cursor = env.limit - v_18;
        env.ket = env.cursor;
        if (env.cursor <= env.limit_backward) break lab20;
        env.previous_char();
        env.bra = env.cursor;
        env.slice_del();
      }
    }
    env.cursor = env.limit - v_12;
    // Step 1c
    var v_21 = env.limit - env.cursor;
    lab27: {
      env.ket = env.cursor;
      if (!env.eq_s_b("y") && !env.eq_s_b("Y")) break lab27;
      env.bra = env.cursor;
      if (!env.out_grouping_b(G_v, 97, 121)) break lab27;
      if (env.cursor <= env.limit_backward) break lab27;
      env.slice_from("i");
    }
    env.cursor = env.limit - v_21;
    // Step 2
    var v_22 = env.limit - env.cursor;
    lab30: {
      env.ket = env.cursor;
      if (env.cursor - 1 <= env.limit_backward || quickMiss(env, env.cursor - 1, 1864192)) break lab30;
      among_var = env.find_among_b(A_7);
      if (among_var === 0) break lab30;
      env.bra = env.cursor;
      if (i_p1 > env.cursor) break lab30;
      if (STEP_2[among_var]) {
        env.slice_from(STEP_2[among_var]);
      } else if (among_var === 14) {
        if (!env.eq_s_b("l")) break lab30;
        env.slice_from("og");
      } else if (among_var === 16) {
        if (!env.in_grouping_b(G_valid_LI, 99, 116)) break lab30;
        env.slice_del();
      }
    }
    env.cursor = env.limit - v_22;
    // Step 3
    var v_23 = env.limit - env.cursor;
    lab31: {
      env.ket = env.cursor;
      if (env.cursor - 2 <= env.limit_backward || quickMiss(env, env.cursor - 1, 528928)) break lab31;
      among_var = env.find_among_b(A_8);
      if (among_var === 0) break lab31;
      env.bra = env.cursor;
      if (i_p1 > env.cursor) break lab31;
      if (STEP_3[among_var]) {
        env.slice_from(STEP_3[among_var]);
      } else if (among_var === 5) {
        env.slice_del();
      } else if (among_var === 6) {
        if (i_p2 > env.cursor) break lab31;
        env.slice_del();
      }
    }
    env.cursor = env.limit - v_23;
    // Step 4
    var v_24 = env.limit - env.cursor;
    lab32: {
      env.ket = env.cursor;
      if (env.cursor - 1 <= env.limit_backward || quickMiss(env, env.cursor - 1, 1864232)) break lab32;
      among_var = env.find_among_b(A_9);
      if (among_var === 0) break lab32;
      env.bra = env.cursor;
      if (i_p2 > env.cursor) break lab32;
      if (among_var === 1) {
        env.slice_del();
      } else if (among_var === 2) {
        if (!env.eq_s_b("s") && !env.eq_s_b("t")) break lab32;
        env.slice_del();
      }
    }
    env.cursor = env.limit - v_24;
    // Step 5
    var v_25 = env.limit - env.cursor;
    lab35: {
      env.ket = env.cursor;
      if (env.cursor <= env.limit_backward ||
          (env.byteAt(env.cursor - 1) !== 101 && env.byteAt(env.cursor - 1) !== 108)) break lab35;
      among_var = env.find_among_b(A_10);
      if (among_var === 0) break lab35;
      env.bra = env.cursor;
      if (among_var === 1) {
        lab36: {
          if (!(i_p2 > env.cursor)) break lab36;
          if (i_p1 > env.cursor) break lab35;
          var v_26 = env.limit - env.cursor;
          if (r_shortv(env)) break lab35;
          env.cursor = env.limit - v_26;
        }
        env.slice_del();
      } else if (among_var === 2) {
        if (i_p2 > env.cursor) break lab35;
        if (!env.eq_s_b("l")) break lab35;
        env.slice_del();
      }
    }
    env.cursor = env.limit - v_25;
    env.cursor = env.limit_backward;
    // postlude
    if (b_Y_found) {
      var v_27 = env.cursor;
      replab40: for (;;) {
        var v_28 = env.cursor;
        lab41: {
          for (;;) {
            var v_29 = env.cursor;
            lab43: {
              env.bra = env.cursor;
              if (!env.eq_s("Y")) break lab43;
              env.ket = env.cursor;
              env.cursor = v_29;
              env.slice_from("y");
              continue replab40;
            }
            env.cursor = v_29;
            if (env.cursor >= env.limit) break lab41;
            env.next_char();
          }
        }
        env.cursor = v_28;
        break;
      }
      env.cursor = v_27;
    }
  }

  var ASCII_ONLY = /^[\x00-\x7f]*$/;

  /** Stem one lowercased word: Snowball English for ASCII words, unchanged otherwise. */
  function stem(word) {
    if (!ASCII_ONLY.test(word)) return word;
    var env = new Env(word);
    stemEnv(env);
    return env.current;
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

  function pushTerm(tokens, part, from, to) {
    var lowered = part.toLowerCase();
    if (utf8Length(lowered) > MAX_TOKEN_BYTES) return;
    tokens.push({ term: stem(lowered), from: from, to: to });
  }

  /** Analysed terms with UTF-16 source ranges, in text order. */
  function analyzeWithOffsets(text) {
    var tokens = [];
    alphanumericRuns(text).forEach(function (run) {
      var parts = camelCaseParts(run.text);
      parts.forEach(function (p) {
        pushTerm(tokens, run.text.slice(p[0], p[1]), run.start + p[0], run.start + p[1]);
      });
      if (parts.length > 1) pushTerm(tokens, run.text, run.start, run.start + run.text.length);
    });
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

  /** Decode an inflated shard into Map(term → postings): `count`, `ordinals[p]`, and per posting p and
   * field f, `tf[p * 4 + f]` (0 = absent) and `len[p * 4 + f]` (quantized field length). */
  function decodeShard(bytes) {
    var at = 0;
    function byte() {
      if (at >= bytes.length) throw new Error("search shard is truncated");
      return bytes[at++];
    }
    function varint() {
      var value = 0, scale = 1, b;
      do {
        b = byte();
        value += (b & 0x7f) * scale;
        scale *= 128;
      } while (b >= 0x80);
      return value;
    }
    var terms = new Map(), previous = new Uint8Array(0);
    var count = varint();
    for (var t = 0; t < count; t++) {
      var shared = varint(), suffixLength = varint();
      if (shared > previous.length || at + suffixLength > bytes.length) throw new Error("search shard is truncated");
      var termBytes = new Uint8Array(shared + suffixLength);
      termBytes.set(previous.subarray(0, shared), 0);
      termBytes.set(bytes.subarray(at, at + suffixLength), shared);
      at += suffixLength;
      previous = termBytes;
      var postingCount = varint(), ordinal = 0;
      var postings = { count: postingCount, ordinals: new Uint32Array(postingCount),
        tf: new Uint32Array(postingCount * 4), len: new Float64Array(postingCount * 4) };
      for (var p = 0; p < postingCount; p++) {
        ordinal += varint();
        postings.ordinals[p] = ordinal;
        var mask = byte();
        for (var f = 0; f < 4; f++) {
          if (mask & (1 << f)) {
            postings.tf[p * 4 + f] = varint();
            postings.len[p * 4 + f] = fieldLengthFromNormId(byte());
          }
        }
      }
      terms.set(utf8.decode(termBytes), postings);
    }
    if (at !== bytes.length) throw new Error("search shard has " + (bytes.length - at) + " trailing bytes");
    return terms;
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

  function roundScore(score) {
    return Math.round(score * 1e6) / 1e6;
  }

  /** Default fetcher: cache-first through the Cache API (every bundle file is fingerprinted), so search
   * keeps working offline once a file was fetched; plain fetch where the Cache API is unavailable. */
  async function browserFetchBytes(url) {
    var cache = null;
    if (typeof caches !== "undefined") {
      try {
        cache = await caches.open("docgen-search-v" + FORMAT_VERSION);
        var hit = await cache.match(url);
        if (hit) return new Uint8Array(await hit.arrayBuffer());
      } catch (e) {
        cache = null;
      }
    }
    var response = await fetch(url);
    if (!response.ok) throw new Error("HTTP " + response.status + " for " + url);
    if (cache) {
      try {
        await cache.put(url, response.clone());
      } catch (e) {
        // A full or unavailable cache only costs offline support.
      }
    }
    return new Uint8Array(await response.arrayBuffer());
  }

  /** A loaded bundle: the manifest plus the shards and chunks fetched so far. */
  function SearchIndex(manifest, manifestUrl, fetchBytes) {
    this.manifest = manifest;
    this.base = new URL(manifest.files, manifestUrl).href;
    this.fetchBytes = fetchBytes;
    this.shards = new Map(); // index → Promise<Map>
    this.chunks = new Map(); // index → Promise<rows>
  }

  /** Load the manifest at `manifestUrl` (absolute URL); `fetchBytes(url) → Promise<Uint8Array>`. */
  SearchIndex.load = async function (manifestUrl, fetchBytes) {
    fetchBytes = fetchBytes || browserFetchBytes;
    var manifest = JSON.parse(utf8.decode(await fetchBytes(manifestUrl)));
    if (manifest.format !== "docgen-search" || manifest.version !== FORMAT_VERSION) {
      throw new Error("unsupported search bundle (format " + manifest.format + " v" + manifest.version + ")");
    }
    return new SearchIndex(manifest, manifestUrl, fetchBytes);
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
    if (!this.shards.has(i)) {
      var self = this;
      var url = new URL("t" + i + ".bin", this.base).href;
      var pending = this.fetchBytes(url).then(inflate).then(decodeShard);
      pending.catch(function () {
        self.shards.delete(i);
      });
      this.shards.set(i, pending);
    }
    return this.shards.get(i);
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

  /** Query slots as in bm25f.rs `plan_query`. */
  SearchIndex.prototype.plan = async function (query, prefix) {
    var slots = [];
    analyze(query).forEach(function (term) {
      if (!slots.some(function (s) {
        return s[0] === term;
      })) slots.push([term]);
    });
    if (!prefix) return slots;
    var typed = lastTypedPart(query), options = this.manifest.prefix;
    if (typed === null || Array.from(typed).length < options.min_chars || utf8Length(typed) > MAX_TOKEN_BYTES) {
      return slots;
    }
    var stemmed = stem(typed), slot = null;
    for (var i = slots.length - 1; i >= 0; i--) {
      if (slots[i][0] === stemmed) {
        slot = slots[i];
        break;
      }
    }
    if (slot === null) return slots;
    var candidates = (await this.termsWithPrefix(typed)).filter(function (c) {
      return c[0] !== stemmed;
    });
    candidates.sort(function (a, b) {
      return b[1] - a[1] || compareTerms(a[0], b[0]);
    });
    candidates.slice(0, options.max_expansions).forEach(function (c) {
      slot.push(c[0]);
    });
    return slots;
  };

  /** Rank sections: [{ordinal, score}], best first; `prefix` expands the word being typed. */
  SearchIndex.prototype.search = async function (query, options) {
    options = options || {};
    var limit = options.limit || 10, manifest = this.manifest, self = this;
    var slots = await this.plan(query, !!options.prefix);
    var allTerms = [].concat.apply([], slots);
    var postingsByTerm = new Map();
    await Promise.all(allTerms.map(async function (term) {
      postingsByTerm.set(term, await self.postings(term));
    }));
    var params = manifest.bm25f, averages = manifest.average_field_lengths, count = manifest.documents;
    // Typed arrays indexed by ordinal instead of maps: the same sums in the same order (per section,
    // slot by slot; within a slot the best of its terms), without a map entry per posting.
    var total = new Float64Array(count), matched = new Uint8Array(count), matchedList = [];
    var best = new Float64Array(count), inSlot = new Uint8Array(count), slotList = [];
    slots.forEach(function (slot) {
      slot.forEach(function (term) {
        var postings = postingsByTerm.get(term), termIdf = idf(count, postings.count);
        for (var p = 0; p < postings.count; p++) {
          var ordinal = postings.ordinals[p], score = termScore(params, averages, termIdf, postings, p);
          if (!inSlot[ordinal]) {
            inSlot[ordinal] = 1;
            best[ordinal] = 0;
            slotList.push(ordinal);
          }
          if (score > best[ordinal]) best[ordinal] = score;
        }
      });
      for (var i = 0; i < slotList.length; i++) {
        var o = slotList[i];
        if (!matched[o]) {
          matched[o] = 1;
          matchedList.push(o);
        }
        total[o] += best[o];
        inSlot[o] = 0;
      }
      slotList.length = 0;
    });
    // Keep the top `limit` by (rounded score desc, ordinal asc) without sorting every match.
    var hits = [];
    var before = function (a, b) {
      return a.score > b.score || (a.score === b.score && a.ordinal < b.ordinal);
    };
    matchedList.forEach(function (ordinal) {
      var hit = { ordinal: ordinal, score: roundScore(total[ordinal]) };
      if (!(hit.score > 0)) return;
      if (hits.length === limit && !before(hit, hits[limit - 1])) return;
      var at = hits.length;
      while (at > 0 && before(hit, hits[at - 1])) at--;
      hits.splice(at, 0, hit);
      if (hits.length > limit) hits.pop();
    });
    hits.terms = allTerms;
    return hits;
  };

  /** The shown data of sections: [{url, anchor, pageTitle, sectionTitle, excerpt}] in `ordinals` order. */
  SearchIndex.prototype.documents = async function (ordinals) {
    var self = this, size = this.manifest.doc_chunk_sections;
    return Promise.all(ordinals.map(async function (ordinal) {
      var chunkIndex = Math.floor(ordinal / size);
      if (!self.chunks.has(chunkIndex)) {
        var url = new URL("d" + chunkIndex + ".bin", self.base).href;
        var pending = self.fetchBytes(url).then(inflate).then(function (bytes) {
          return JSON.parse(utf8.decode(bytes));
        });
        pending.catch(function () {
          self.chunks.delete(chunkIndex);
        });
        self.chunks.set(chunkIndex, pending);
      }
      var row = (await self.chunks.get(chunkIndex))[ordinal % size];
      return { url: row[0], anchor: row[1], pageTitle: row[2], sectionTitle: row[3], excerpt: row[4] };
    }));
  };

  // ---------------------------------------------------------------------------------------------
  // Page UI: `/` focuses, typing searches (prefix on the last word), arrows + Enter navigate.

  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  /** Excerpt as HTML with every word whose terms were searched wrapped in <mark>. */
  function highlight(text, terms) {
    var wanted = new Set(terms), html = "", at = 0;
    alphanumericRuns(text).forEach(function (run) {
      var hit = analyze(run.text).some(function (t) {
        return wanted.has(t);
      });
      if (!hit) return;
      html += escapeHtml(text.slice(at, run.start)) + "<mark>" + escapeHtml(run.text) + "</mark>";
      at = run.start + run.text.length;
    });
    return html + escapeHtml(text.slice(at));
  }

  function hitUrl(doc) {
    return doc.anchor ? doc.url + "#" + doc.anchor : doc.url;
  }

  function attach(input, results, manifestUrl) {
    var index = null, failure = null, active = -1, sequence = 0;
    results.setAttribute("role", "listbox");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", results.id);
    input.setAttribute("autocomplete", "off");

    // ARIA combobox pattern: the listbox holds only options; a message ("no results") is a status
    // shown in the same dropdown while it is not a listbox, and the combobox is then collapsed.
    function show(html, isListbox) {
      results.innerHTML = html;
      results.hidden = html === "";
      if (isListbox) results.setAttribute("role", "listbox"); else results.removeAttribute("role");
      input.setAttribute("aria-expanded", html !== "" && isListbox ? "true" : "false");
      input.removeAttribute("aria-activedescendant");
    }

    function showMessage(text, kind) {
      show("<p class=\"search-message search-" + kind + "\" role=\"status\">" + escapeHtml(text) + "</p>", false);
    }

    /** Close the dropdown, keeping the query (Escape once, a click elsewhere). */
    function close() {
      results.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    var loading = manifestUrl
      ? SearchIndex.load(new URL(manifestUrl, document.baseURI).href).then(function (loaded) {
        index = loaded;
      }, function (error) {
        failure = error;
      })
      : Promise.resolve().then(function () {
        failure = new Error("this page names no search index");
      });

    function setActive(i) {
      var items = results.querySelectorAll(".search-hit");
      if (items.length === 0) return;
      active = (i + items.length) % items.length;
      items.forEach(function (item, n) {
        item.setAttribute("aria-selected", n === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    async function run() {
      var query = input.value, mine = ++sequence;
      if (query.trim() === "") {
        show("");
        active = -1;
        return;
      }
      await loading;
      if (mine !== sequence) return;
      if (failure) {
        showMessage("Search is unavailable: the search index could not be loaded (" + failure.message + ").",
          "error");
        return;
      }
      try {
        var hits = await index.search(query, { prefix: true, limit: 10 });
        var docs = await index.documents(hits.map(function (h) {
          return h.ordinal;
        }));
        if (mine !== sequence) return;
        if (hits.length === 0) {
          showMessage("No results for “" + query.trim() + "”.", "empty");
          active = -1;
          return;
        }
        show(docs.map(function (doc, n) {
          var section = doc.sectionTitle && doc.sectionTitle !== doc.pageTitle
            ? "<span class=\"search-hit-section\">" + escapeHtml(doc.sectionTitle) + "</span>" : "";
          return "<a class=\"search-hit\" role=\"option\" id=\"search-hit-" + n + "\" href=\"" +
            escapeHtml(hitUrl(doc)) + "\"><span class=\"search-hit-title\">" + escapeHtml(doc.pageTitle) +
            "</span>" + section + "<span class=\"search-hit-excerpt\">" + highlight(doc.excerpt, hits.terms) +
            "</span></a>";
        }).join(""), true);
        setActive(0);
      } catch (error) {
        if (mine === sequence) {
          showMessage("Search failed: " + error.message + ". Check your connection and try again.", "error");
        }
      }
    }

    input.addEventListener("input", run);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        setActive(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        setActive(active - 1);
      } else if (event.key === "Enter") {
        var items = results.querySelectorAll(".search-hit");
        if (items.length > 0) {
          event.preventDefault();
          window.location.href = items[Math.max(active, 0)].href;
        }
      } else if (event.key === "Escape") {
        // First Escape closes the list, a second one clears the query.
        event.preventDefault();
        if (!results.hidden) {
          close();
        } else if (input.value !== "") {
          input.value = "";
          show("", false);
          active = -1;
        }
      }
    });
    input.addEventListener("keydown", function (event) {
      // Arrow down on a closed list with a query opens it again.
      if (event.key === "ArrowDown" && results.hidden && input.value.trim() !== "") run();
    });
    document.addEventListener("click", function (event) {
      if (!results.hidden && event.target !== input && !results.contains(event.target)) close();
    });
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        input.focus();
      }
    });
    return loading;
  }

  var api = {
    FORMAT_VERSION: FORMAT_VERSION,
    stem: stem,
    analyze: analyze,
    analyzeWithOffsets: analyzeWithOffsets,
    lastTypedPart: lastTypedPart,
    decodeShard: decodeShard,
    fieldLengthFromNormId: fieldLengthFromNormId,
    inflate: inflate,
    highlight: highlight,
    SearchIndex: SearchIndex,
  };

  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.DocgenSearch = api;
    // The manifest's fingerprinted URL comes from the page: `data-manifest` on the input (the default
    // theme) or on this script tag.
    var script = document.currentScript;
    var scriptManifest = script && script.getAttribute("data-manifest");
    var start = function () {
      var input = document.getElementById("search-input");
      var results = document.getElementById("search-results");
      if (!input || !results) return;
      var manifestUrl = input.getAttribute("data-manifest") || scriptManifest;
      api.ready = attach(input, results, manifestUrl);
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
})(this);
