// Snowball English stemmer for the docgen search client (Snowball 3.1.1 english.sbl), a line-by-line port
// of the Rust code Snowball generated for the `frostem` crate (the stemmer tantivy and the index use), so
// every step, table and fast-path check is the same. Only ASCII words reach it (the search core checks),
// so string indices are bytes. Exposes `stemEnglish(lowercasedAsciiWord)` as `DocgenStemmer` in a page
// and as the module's export under node. Checked word by word against the Rust stemmer by
// generator/tests/search_parity.rs.
(function (root) {
  "use strict";


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
  // Snowball's `find_among` (forward, from the cursor) and `find_among_b` (backward, ending at the
  // cursor) in one: a binary search over `amongs` ([string, substring_index, result], sorted as Snowball
  // sorts them) for the longest entry matching the text, comparing from the cursor outwards.
  function findAmong(env, amongs, backward) {
    var i = 0, j = amongs.length, c = env.cursor, edge = backward ? env.limit_backward : env.limit;
    var step = backward ? -1 : 1;
    var common_i = 0, common_j = 0, first_key_inspected = false;
    for (;;) {
      var k = i + ((j - i) >> 1), diff = 0, common = Math.min(common_i, common_j), w = amongs[k][0];
      for (; common < w.length; common++) {
        if (c + step * common === edge) {
          diff = -1;
          break;
        }
        diff = backward
          ? env.byteAt(c - common - 1) - w.charCodeAt(w.length - common - 1)
          : env.byteAt(c + common) - w.charCodeAt(common);
        if (diff !== 0) break;
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
        env.cursor = c + step * entry[0].length;
        return entry[2];
      }
      i = entry[1];
      if (i < 0) return 0;
    }
  }
  Env.prototype.find_among = function (amongs) {
    return findAmong(this, amongs, false);
  };
  Env.prototype.find_among_b = function (amongs) {
    return findAmong(this, amongs, true);
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

  // The opening shared by steps 2, 3 and 4: at the end of the word, find the longest suffix of `amongs`
  // (after the generated code's fast-path check that more than `minLength` bytes precede the cursor and
  // the last byte can end a suffix of the table) and require it to start inside region `region` (p1 or
  // p2). Returns the suffix's action number, 0 when there is nothing to do.
  function suffixInRegion(env, minLength, mask, amongs, region) {
    env.ket = env.cursor;
    if (env.cursor - minLength <= env.limit_backward || quickMiss(env, env.cursor - 1, mask)) return 0;
    var among_var = env.find_among_b(amongs);
    if (among_var === 0) return 0;
    env.bra = env.cursor;
    return region > env.cursor ? 0 : among_var;
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
      among_var = suffixInRegion(env, 1, 1864192, A_7, i_p1);
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
      among_var = suffixInRegion(env, 2, 528928, A_8, i_p1);
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
      among_var = suffixInRegion(env, 1, 1864232, A_9, i_p2);
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

  /** Stem one lowercased ASCII word. */
  function stemEnglish(word) {
    var env = new Env(word);
    stemEnv(env);
    return env.current;
  }

  var api = { stemEnglish: stemEnglish };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.DocgenStemmer = api;
})(this);
