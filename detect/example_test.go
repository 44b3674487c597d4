package detect_test

import (
	"fmt"
	"time"

	"switchboard/detect"
	"switchboard/domain"
	"switchboard/sentiment"
)

func ExampleDetector() {
	d := detect.New(detect.Config{
		BrandName: "Eli Lilly",
		Handles:   []string{"@LillyPad"},
		Keywords:  []string{"insulin"},
	})
	m := &domain.Mention{
		Platform:  domain.PlatformX,
		NativeID:  "1590",
		Author:    domain.Author{Handle: "@EliLillyCo", Name: "Eli Lilly and Company", Verified: true},
		Text:      "We are excited to announce insulin is free now.",
		CreatedAt: time.Date(2022, 11, 10, 18, 36, 0, 0, time.UTC),
	}
	m.Sentiment = sentiment.Score(m.Text, m.Lang) // at ingest
	for _, a := range d.Observe(m) {
		fmt.Println(a.Kind, a.Samples, a.Reason)
	}
	fmt.Println(len(d.Alerts()), "open")
	// Output:
	// impersonation [x:1590] handle @EliLillyCo is brand name "Eli Lilly" with an added prefix or suffix
	// 1 open
}
