#!/usr/bin/env bash
# Makes the small audio files that tst_medialibrary and tst_audiodurations
# read lengths from. They are committed: the tests need none of these tools.
# Run again only to change them (needs ffmpeg: apt-get install ffmpeg).
#
#   cbr-id3v2.mp3   1.0 s  MP3 CBR 32 kb/s behind an ID3v2.3 tag, no Xing header
#   cbr-plain.mp3   1.5 s  MP3 CBR 32 kb/s, no tag, no Xing header
#   vbr-xing.mp3    2.5 s  MP3 VBR with a Xing header, no tag
#   vorbis.ogg      2.0 s  Ogg Vorbis
#   aac.m4a         3.0 s  AAC in MP4
#   not-audio.mp3          plain text under an audio name
#
# Each sound is a quiet tone at 48 kHz (the VBR one turns noisy halfway, so
# that its frames really differ in size); the lengths differ so that a test
# can tell the files apart. bitexact flags keep a re-run from changing them
# needlessly.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

tone() { # tone SECONDS FREQUENCY
    printf "aevalsrc='0.2*sin(2*PI*%s*t)':s=48000:d=%s" "$2" "$1"
}
encode() { # encode SOURCE OUTPUT FFMPEG-OPTIONS...
    local source=$1 output=$2
    shift 2
    ffmpeg -nostdin -loglevel error -y -f lavfi -i "$source" \
        -ac 1 -fflags +bitexact -flags:a +bitexact "$@" "$output"
}

encode "$(tone 1.0 440)" cbr-id3v2.mp3 -c:a libmp3lame -b:a 32k -write_xing 0 \
    -id3v2_version 3 -write_id3v1 0 -metadata title="fixture one second" -metadata artist="selection-panel"
encode "$(tone 1.5 550)" cbr-plain.mp3 -c:a libmp3lame -b:a 32k -write_xing 0 \
    -map_metadata -1 -id3v2_version 0 -write_id3v1 0
encode "aevalsrc='0.2*sin(2*PI*660*t)+if(gt(t,1.2),0.2*(random(0)-0.5),0)':s=48000:d=2.5" \
    vbr-xing.mp3 -c:a libmp3lame -q:a 7 -write_xing 1 \
    -map_metadata -1 -id3v2_version 0 -write_id3v1 0
encode "$(tone 2.0 770)" vorbis.ogg -c:a libvorbis -q:a 0 -map_metadata -1
encode "$(tone 3.0 880)" aac.m4a -c:a aac -b:a 24k -map_metadata -1
printf 'This is not a sound, only text named like one.\n' > not-audio.mp3

ls -l cbr-id3v2.mp3 cbr-plain.mp3 vbr-xing.mp3 vorbis.ogg aac.m4a not-audio.mp3
