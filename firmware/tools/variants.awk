# Turns variants.yaml into make variables (PORTS, VARIANTS, VARIANTS_<port>, DEFS_<variant>); fails loudly
# on anything outside the simple layout the file documents, so the YAML stays the one source of truth.
function fail(msg) { printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"; failed = 1; exit 1 }
function flow_list(line,    body) {
  body = line
  sub(/^[^[]*\[/, "", body)
  if (body !~ /\][ \t]*(#.*)?$/) fail("expected a one-line [a, b] list")
  sub(/\][ \t]*(#.*)?$/, "", body)
  gsub(/[ \t]/, "", body)
  return body
}
function finish_variant(   i, n, list) {
  if (variant == "") return
  if (!have_ports) fail("variant " variant " has no 'ports: [...]' line")
  if (!have_defines) fail("variant " variant " has no 'defines: [...]' line")
  n = split(vports, list, ",")
  for (i = 1; i <= n; i++) {
    if (!(list[i] in known_port)) fail("variant " variant ": unknown port " list[i])
    per_port[list[i]] = per_port[list[i]] " " variant
  }
  printf "DEFS_%s :=%s\n", variant, vdefs
  all_variants = all_variants " " variant
  variant = ""
}
/^[ \t]*(#.*)?$/ { next }
/^ports:/ { section = "ports"; next }
/^variants:/ { section = "variants"; next }
/^[^ ]/ { section = "other"; next }
section == "ports" && /^  [a-z0-9-]+:/ {
  name = $1; sub(/:$/, "", name)
  known_port[name] = 1; port_order = port_order " " name
  next
}
section == "variants" && /^  - name:/ {
  finish_variant()
  variant = $3
  if (variant !~ /^[a-z0-9][a-z0-9-]*$/) fail("variant name must be kebab-case: " variant)
  if (variant in seen) fail("duplicate variant " variant)
  seen[variant] = 1; have_ports = 0; have_defines = 0; vports = ""; vdefs = ""
  next
}
section == "variants" && /^    ports:/ { vports = flow_list($0); have_ports = 1; next }
section == "variants" && /^    defines:/ {
  n = split(flow_list($0), defs, ",")
  for (i = 1; i <= n; i++) {
    if (defs[i] !~ /^FW_[A-Z0-9_]+=[0-9]+$/) fail("define must be FW_NAME=<number>: " defs[i])
    vdefs = vdefs " -D" defs[i]
  }
  have_defines = 1
  next
}
END {
  if (failed) exit 1
  finish_variant()
  if (port_order == "") { FNR = 0; fail("no ports section") }
  printf "PORTS :=%s\n", port_order
  printf "VARIANTS :=%s\n", all_variants
  n = split(port_order, plist, " ")
  for (i = 1; i <= n; i++) printf "VARIANTS_%s :=%s\n", plist[i], per_port[plist[i]]
}
