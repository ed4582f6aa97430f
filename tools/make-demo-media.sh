#!/usr/bin/env bash
# Makes the demo media set: NNN.jpg (the number in big digits on its own
# colour) and NNN.mp3 (the number spoken over a soft tone, about 1 s); the
# first three IDs get captions (NNN.vtt), and the first one German and
# English variants with their captions (NNN.de.mp3, NNN.en.vtt …, 2 s), which
# play with `languages = de,en` (README.md, "Captions and languages").
#
# Usage: tools/make-demo-media.sh [--count N] [--first-id N] [--out DIR]
# Defaults: 10 files from ID 0 into the repo's media/ folder.
# Needs imagemagick, espeak-ng, ffmpeg and fonts-dejavu-core; missing ones are
# installed with apt-get when running as root.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/common.sh
. "$repo/tools/common.sh"
count=10
first=0
out="$repo/media"

usage() { sed -n '5,6p' "$0" | sed 's/^# \{0,1\}//'; }
log() { echo "make-demo-media: $*"; }

while [ $# -gt 0 ]; do
    case "$1" in
        --count) count=${2:?--count needs a number}; shift 2 ;;
        --first-id) first=${2:?--first-id needs a number}; shift 2 ;;
        --out) out=${2:?--out needs a folder}; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "make-demo-media: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
done
case "$count$first" in *[!0-9]*) echo "make-demo-media: numbers only" >&2; exit 2 ;; esac
if [ "$count" -lt 1 ] || [ $((first + count - 1)) -gt 999 ]; then
    echo "make-demo-media: IDs must stay within 000..999" >&2
    exit 2
fi

# Install only the tools that are missing.
missing=()
command -v convert >/dev/null || missing+=(imagemagick)
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
command -v ffmpeg >/dev/null || missing+=(ffmpeg)
command -v fc-match >/dev/null || missing+=(fontconfig)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
    install_missing "${missing[@]}"
fi

font=$(fc-match -f '%{file}' 'DejaVu Sans:bold' 2>/dev/null || true)
[ -n "$font" ] && [ -e "$font" ] || font=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# speak VOICE TEXT FREQUENCY SECONDS FILE: the text spoken over a soft tone,
# trimmed to exactly SECONDS, as a small reproducible MP3.
speak() {
    local voice=$1 text=$2 freq=$3 seconds=$4 file=$5
    espeak-ng -v "$voice" -s 170 -w "$work/speech.wav" "$text"
    ffmpeg -nostdin -loglevel error -y \
        -i "$work/speech.wav" \
        -f lavfi -i "sine=frequency=$freq:sample_rate=22050:duration=$seconds" \
        -filter_complex "[0:a]aresample=22050,apad,atrim=end=$seconds[v];\
[1:a]volume=0.12,afade=t=in:d=0.05,afade=t=out:st=$((seconds - 1)).8:d=0.2[t];\
[v][t]amix=inputs=2:duration=first:normalize=0,atrim=end=$seconds[m]" \
        -map '[m]' -ac 1 -ar 22050 -c:a libmp3lame -b:a 48k \
        -map_metadata -1 -fflags +bitexact -flags:a +bitexact \
        -id3v2_version 0 -write_id3v1 0 \
        "$file"
}

# caption FILE END TEXT: one cue from 0.05 s to END seconds (s.ttt).
caption() {
    printf 'WEBVTT\n\n00:00.050 --> 00:0%s\n%s\n' "$2" "$3" >"$1"
}

# in_words LANGUAGE N: the number as it is spoken, for the captions: "Zero"
# … "Nine" or "Null" … "Neun", else digits.
in_words() {
    local en=(Zero One Two Three Four Five Six Seven Eight Nine)
    local de=(Null Eins Zwei Drei Vier Fünf Sechs Sieben Acht Neun)
    local -n words=$1
    if [ "$2" -lt 10 ]; then echo "${words[$2]}"; else echo "$2"; fi
}

for ((i = 0; i < count; i++)); do
    id=$((first + i))
    name=$(printf '%03d' "$id")

    # Hues spread evenly over the set; alternating lightness keeps
    # neighbours apart even with 100 IDs.
    hue=$((i * 360 / count))
    light=$((i % 2 ? 32 : 42))
    convert -size 640x360 "xc:hsl($hue,65%,$light%)" \
        -font "$font" -fill white -gravity center \
        -pointsize 190 -annotate +0-20 "$name" \
        -pointsize 26 -annotate +0+130 "selection-panel demo · button $name" \
        -strip -sampling-factor 4:2:0 -quality 80 "$out/$name.jpg"

    # Speech of the plain number ("forty-two") over a tone whose pitch also
    # depends on the ID; trimmed to exactly one second.
    freq=$((330 + (i % 12) * 40))
    speak en "$id" "$freq" 1 "$out/$name.mp3"

    # Captions of what is said, for the first three.
    if [ "$i" -lt 3 ]; then
        caption "$out/$name.vtt" 0.950 "$(in_words en "$id")"
    fi
    # The first one in German and English, longer: "Nummer null", "Number zero".
    if [ "$i" -eq 0 ]; then
        speak de "Nummer $id" "$freq" 2 "$out/$name.de.mp3"
        caption "$out/$name.de.vtt" 1.900 "Nummer $(in_words de "$id" | tr '[:upper:]' '[:lower:]')"
        speak en "Number $id" "$freq" 2 "$out/$name.en.mp3"
        caption "$out/$name.en.vtt" 1.900 "Number $(in_words en "$id" | tr '[:upper:]' '[:lower:]')"
    fi
done

total=$(du -cb "$out"/*.jpg "$out"/*.mp3 "$out"/*.vtt | tail -1 | cut -f1)
echo "make-demo-media: $count images and sounds in $out ($total bytes)"
