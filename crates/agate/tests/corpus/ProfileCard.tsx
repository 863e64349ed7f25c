import React, { useEffect, useRef } from "react";
import DOMPurify from "dompurify";

type Profile = { name: string; bioHtml: string; website: string };

export function ProfileCard({ profile }: { profile: Profile }) {
  const notes = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (notes.current) {
      notes.current.innerHTML = `<b>${profile.name}</b> joined recently`; // expect: js.inner-html
      notes.current.textContent = profile.name;
    }
  }, [profile]);

  const colors = ["teal", "amber", "violet"];
  const accent = colors[Math.floor(Math.random() * colors.length)]; // expect: js.weak-random

  return (
    <section style={{ borderColor: accent }}>
      <h2>{profile.name}</h2>
      <div dangerouslySetInnerHTML={{ __html: profile.bioHtml }} /> {/* expect: js.dangerously-set-inner-html */}
      <div dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(profile.bioHtml) }} />
      <a href={profile.website}>website</a>
      <div ref={notes} />
    </section>
  );
}
