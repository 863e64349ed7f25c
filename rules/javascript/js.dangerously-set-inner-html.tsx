import DOMPurify from "dompurify";

export function Comment({ comment }: { comment: { html: string; text: string } }) {
  return (
    <div>
      <div dangerouslySetInnerHTML={{ __html: comment.html }} /> {/* expect: js.dangerously-set-inner-html */}
      <div dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(comment.html) }} /> {/* ok: js.dangerously-set-inner-html */}
      <div dangerouslySetInnerHTML={{ __html: "<hr/>" }} /> {/* ok: js.dangerously-set-inner-html */}
      <p>{comment.text}</p>
    </div>
  );
}
