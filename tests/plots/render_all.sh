#!/bin/sh
# render_all.sh CHISO OUTDIR - draw every chart kind from the sample data in
# tests/plots/data as PNG, SVG and PDF, for looking at (docs/charts.md).
set -eu
chiso=$1
out=$2
d=$(dirname "$0")/data
mkdir -p "$out"
for ext in png svg pdf; do
  "$chiso" plot trend --data "$d/trend.csv" --out "$out/trend.$ext" \
    --title "Chỉ số hài lòng SIPAS: Hưng Yên so với cả nước, 2017–2024" \
    --subtitle "Tỷ lệ người dân hài lòng (%); kiểm tra dấu: ẩn, ệ, Ưu, Đông Hải" \
    --source "Bộ Nội vụ, báo cáo SIPAS hằng năm (số liệu minh hoạ)" \
    --x-label "Năm" --y-label "Chỉ số (%)" \
    --break "2022=Đổi phương pháp khảo sát (hộ gia đình)" \
    --band-label "Khoảng tin cậy 90%" --highlight "Hưng Yên" >/dev/null
  "$chiso" plot bars --data "$d/bars.csv" --out "$out/bars.$ext" \
    --title "PAR INDEX của 63 tỉnh, thành phố (số liệu minh hoạ)" \
    --source "Bộ Nội vụ" --x-label "Chỉ số (%)" --highlight "Hưng Yên" \
    --band "90:100=Nhóm A (≥ 90%)" --band "80:90=Nhóm B (80% – dưới 90%)" >/dev/null
  "$chiso" plot radar --data "$d/radar.csv" --out "$out/radar.$ext" \
    --title "Điểm theo lĩnh vực, % điểm tối đa" \
    --source "Phiếu tự đánh giá 2024 (minh hoạ)" >/dev/null
  "$chiso" plot waterfall --data "$d/waterfall.csv" --out "$out/waterfall.$ext" \
    --title "Điểm bị mất theo lĩnh vực: từ 100 điểm đến điểm đạt được" \
    --source "Phiếu tự đánh giá 2024 (minh hoạ)" --achieved 82.75 >/dev/null
  "$chiso" plot heatmap --data "$d/heatmap.csv" --out "$out/heatmap.$ext" \
    --title "SIPAS theo yếu tố và đơn vị (%)" \
    --highlight "Sở Khoa học và Công nghệ" >/dev/null
  "$chiso" plot scatter --data "$d/scatter.csv" --out "$out/scatter.$ext" \
    --title "PAR INDEX và SIPAS theo tỉnh" --x-label "PAR INDEX (%)" \
    --y-label "SIPAS (%)" --highlight "Hưng Yên" >/dev/null
  "$chiso" plot rank-interval --data "$d/rank.csv" --out "$out/rank-interval.$ext" \
    --title "Thứ hạng công bố và khoảng bất định 5–95%" \
    --highlight "Hưng Yên" >/dev/null
  "$chiso" plot small-multiples --data "$d/multiples.csv" \
    --out "$out/small-multiples.$ext" --title "Chỉ số theo đơn vị, 2015–2024" \
    --highlight "Sở Y tế" --break "2020=Khung tiêu chí mới" >/dev/null
done
echo "rendered 8 kinds x 3 formats into $out"
